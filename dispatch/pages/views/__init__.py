"""Server-rendered pages, one module per audience. Views read through selectors and write through
services; they translate form input and domain errors into pages, nothing more."""

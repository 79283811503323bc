"""Small pieces every app shares and that depend on nothing of the project: the domain errors."""

"""The dispatch REST API (thin: input validation, a selector or service call, output)."""

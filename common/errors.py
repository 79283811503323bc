"""Domain errors shared by the apps. Services raise these; the API handler maps them to HTTP."""


class ApplicationError(Exception):
    """The request breaks a business rule (HTTP 400)."""

    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.extra = extra or {}


class ServiceUnavailable(ApplicationError):
    """Something the request needs is not there yet, through no fault of the input (HTTP 503)."""

    code = "unavailable"


class ConflictError(ApplicationError):
    """The move is not allowed from the ticket's current state, or lost a race (HTTP 409)."""

    code = "conflict"

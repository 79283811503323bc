"""One DRF exception handler: domain errors become 4xx/503 responses, never a 500.

- django.core.exceptions.ValidationError -> 400 with field messages
- Http404 / ObjectDoesNotExist -> 404, PermissionDenied -> 403 (DRF's defaults)
- common.errors.ConflictError (illegal or conflicting transition) -> 409
- common.errors.ServiceUnavailable (e.g. no active classifier model) -> 503
- common.errors.ApplicationError (a rule the input breaks) -> 400

Bodies: an error naming a field (`extra["field"]`) is {"field": ["message"]}, the same body a
serializer gives for a field, so a client reads one shape whether the serializer or the service found
the problem; any other domain error is {"detail": message, "code": code, **extra}.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler

from common.errors import ApplicationError, ConflictError, ServiceUnavailable

STATUS = [  # most specific first
    (ConflictError, status.HTTP_409_CONFLICT),
    (ServiceUnavailable, status.HTTP_503_SERVICE_UNAVAILABLE),
    (ApplicationError, status.HTTP_400_BAD_REQUEST),
]


def application_error_body(exc: ApplicationError) -> dict:
    field = exc.extra.get("field")
    if field and not isinstance(exc, ConflictError):
        return {field: [exc.message]}
    return {"detail": exc.message, "code": exc.code, **exc.extra}


def api_exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    if isinstance(exc, ApplicationError):
        code = next(code for cls, code in STATUS if isinstance(exc, cls))
        return Response(application_error_body(exc), status=code)
    return exception_handler(exc, context)

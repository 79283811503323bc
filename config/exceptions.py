"""One DRF exception handler: domain errors become 4xx responses, never a 500.

- django.core.exceptions.ValidationError -> 400 with field messages
- Http404 / ObjectDoesNotExist -> 404, PermissionDenied -> 403 (DRF's defaults)
- common.errors.ConflictError (illegal or conflicting transition) -> 409
- common.errors.ApplicationError (a rule the input breaks) -> 400
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler

from common.errors import ApplicationError, ConflictError


def api_exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    if isinstance(exc, ConflictError):
        return Response({"detail": exc.message, "code": exc.code, **exc.extra}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, ApplicationError):
        return Response({"detail": exc.message, "code": exc.code, **exc.extra}, status=status.HTTP_400_BAD_REQUEST)
    return exception_handler(exc, context)

"""The OpenAPI schema class: drf-spectacular's, plus the Idempotency-Key header on idempotent POSTs."""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiParameter

IDEMPOTENCY_KEY = OpenApiParameter(
    name="Idempotency-Key",
    type=str,
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "A key of the client's choosing (a UUID), at most 255 visible ASCII characters. A retry with the "
        "same key and the same body replays the first 2xx answer (header `Idempotent-Replayed: true`) "
        "without doing it again; the same key with another body is 409 `idempotency_key_reused`. Keys are "
        "kept at least 24 hours. Answers other than 2xx are not kept: fix the request and retry."
    ),
)


class AutoSchema(SpectacularAutoSchema):
    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        handler = getattr(self.view, self.method.lower(), None)
        if getattr(handler, "idempotent", False):
            parameters.append(IDEMPOTENCY_KEY)
        return parameters

"""Small pieces the apps' DRF endpoints share."""

from django.db import models
from rest_framework import serializers
from rest_framework.generics import ListAPIView


def validated(serializer_class: type[serializers.Serializer], data) -> dict:
    """`data` (a body or a query string) as `serializer_class` checks its shape; a ValidationError
    (HTTP 400 naming each field) otherwise."""
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# A list whose rows depend on the request (its user, its URL): `request_queryset()` builds them. Schema
# generation has neither, so it gets `model`'s empty queryset. (A comment, not a docstring: the schema
# would give a base's docstring to every list without its own.)
class RequestListApi(ListAPIView):
    model: type[models.Model]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.model.objects.none()
        return self.request_queryset()

    def request_queryset(self):
        raise NotImplementedError


def lookup_params(request):
    """A lookup's parameters: the JSON/form body of a POST — phone numbers, ID numbers and texts stay out
    of URLs, proxies and access logs — else the query string (GET is kept for older clients; the access
    log masks what it carries)."""
    return request.data if request.method == "POST" else request.query_params

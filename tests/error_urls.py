"""A URLconf for tests/test_health.py: the product's URLs plus views that fail in known ways."""

from django.db import OperationalError
from django.urls import path

from config.urls import handler500  # noqa: F401 — handler500 is used by Django
from config.urls import urlpatterns as product_urls


def database_down(request):
    raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')


def bug(request):
    raise RuntimeError("a bug")


urlpatterns = [
    path("api/_test/db-down/", database_down),
    path("api/_test/bug/", bug),
    path("_test/db-down/", database_down),
    path("_test/bug/", bug),
    *product_urls,
]

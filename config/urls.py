from django.conf import settings
from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.urls import include, path, re_path
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from config.health import healthz


@staff_member_required
def media(request, path):
    return serve(request, path, document_root=settings.MEDIA_ROOT)


# Uncaught errors: 503 + Retry-After when the database/broker is down, JSON for the API (config/faults.py).
handler500 = "config.faults.server_error"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/", include("governance.urls")),
    path("api/", include("classifier.urls")),
    path("api/", include("dispatch.urls")),
    path("open311/v2/", include("dispatch.open311.urls")),
    path("knowledge/", include("knowledge.urls")),
    path("", include("dispatch.pages.urls")),
    # Uploaded reply photos show citizens' surroundings: users see them through /api/tickets/<id>/photo/,
    # which checks the ticket's scope; the raw folder is for admins only (the admin's file links).
    re_path(r"^media/(?P<path>.*)$", media),
]

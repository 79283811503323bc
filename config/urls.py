from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path, re_path
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView


@login_required
def media(request, path):
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/", include("governance.urls")),
    path("api/", include("classifier.urls")),
    path("api/", include("dispatch.urls")),
    path("", include("dispatch.pages.urls")),
    # Uploaded reply photos: signed-in users only (they show citizens' surroundings). Production may hand
    # this to the web server with an internal redirect; locally Django serves them.
    re_path(r"^media/(?P<path>.*)$", media),
]

from django.urls import re_path

from dispatch.open311 import views

app_name = "open311"
FORMAT = r"\.(?P<format>json|xml)$"

urlpatterns = [
    re_path(r"^discovery" + FORMAT, views.DiscoveryView.as_view(), name="discovery"),
    re_path(r"^services" + FORMAT, views.ServiceListView.as_view(), name="services"),
    re_path(r"^services/(?P<code>[^/]+?)" + FORMAT, views.ServiceDefinitionView.as_view(), name="service"),
    re_path(r"^requests" + FORMAT, views.RequestListView.as_view(), name="requests"),
    re_path(r"^requests/(?P<number>[^/]+?)" + FORMAT, views.RequestDetailView.as_view(), name="request"),
    re_path(r"^tokens/(?P<token>[^/]+?)" + FORMAT, views.TokenView.as_view(), name="token"),
]

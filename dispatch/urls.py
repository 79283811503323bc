from django.urls import path
from rest_framework.authtoken.views import obtain_auth_token

from dispatch.apis.hotspots import HotspotListApi, HotspotMergeApi, HotspotProactiveApi
from dispatch.apis.misc import CityModeApi, NotificationListApi, NotificationReadApi, QueueApi
from dispatch.apis.moves import MOVE_APIS
from dispatch.apis.patrol import PatrolReportApi
from dispatch.apis.tickets import (
    TicketDetailApi,
    TicketDuplicatesApi,
    TicketListCreateApi,
    TicketPhotoApi,
    TicketPhotosApi,
    TicketRevealPhoneApi,
    TicketsByPhoneApi,
    TicketSearchApi,
    TicketTimelineApi,
)

app_name = "dispatch-api"

urlpatterns = [
    path("auth/token/", obtain_auth_token, name="token"),
    path("tickets/", TicketListCreateApi.as_view(), name="ticket-list"),
    path("tickets/search/", TicketSearchApi.as_view(), name="ticket-search"),
    path("tickets/duplicates/", TicketDuplicatesApi.as_view(), name="ticket-duplicates"),
    path("tickets/by-phone/", TicketsByPhoneApi.as_view(), name="tickets-by-phone"),
    path("tickets/<int:pk>/", TicketDetailApi.as_view(), name="ticket-detail"),
    path("tickets/<int:pk>/timeline/", TicketTimelineApi.as_view(), name="ticket-timeline"),
    path("tickets/<int:pk>/photo/", TicketPhotoApi.as_view(), name="ticket-photo"),
    path("tickets/<int:pk>/photos/<int:photo_id>/", TicketPhotosApi.as_view(), name="ticket-photos"),
    path("patrol/", PatrolReportApi.as_view(), name="patrol"),
    path("tickets/<int:pk>/reveal-phone/", TicketRevealPhoneApi.as_view(), name="ticket-reveal-phone"),
    *[path(f"tickets/<int:pk>/{name}/", view.as_view(), name=f"ticket-{name}") for name, view in MOVE_APIS.items()],
    path("queues/<slug:name>/", QueueApi.as_view(), name="queue"),
    path("notifications/", NotificationListApi.as_view(), name="notifications"),
    path("notifications/read/", NotificationReadApi.as_view(), name="notifications-read"),
    path("city-mode/", CityModeApi.as_view(), name="city-mode"),
    path("hotspots/", HotspotListApi.as_view(), name="hotspots"),
    path("hotspots/<int:pk>/merge/", HotspotMergeApi.as_view(), name="hotspot-merge"),
    path("hotspots/<int:pk>/proactive/", HotspotProactiveApi.as_view(), name="hotspot-proactive"),
]

from django.contrib.auth import views as auth_views
from django.urls import include, path

from dispatch.pages.views import (
    accuracy,
    candidates,
    common,
    dashboard,
    hotspots,
    inbox,
    operator,
    patrol,
    supervisor,
    tickets,
)

# Namespaced "pages:…"; login/logout/home also without a namespace, as settings name them.
page_patterns = [
    path("", common.home, name="home"),
    path("intake/", operator.intake, name="intake"),
    path("intake/place/", operator.place_panel, name="intake_place"),
    path("intake/suggest/", operator.suggest_panel, name="intake_suggest"),
    path("intake/duplicates/", operator.duplicates_panel, name="intake_duplicates"),
    path("intake/history/", operator.history_panel, name="intake_history"),
    path("dispatch-queue/", operator.dispatch_queue, name="dispatch_queue"),
    path("dispatch-queue/<int:pk>/", operator.dispatch_one, name="dispatch_one"),
    path("worklist/", tickets.worklist, name="worklist"),
    path("patrol/", patrol.patrol, name="patrol"),
    path("tickets/", tickets.ticket_list, name="ticket_list"),
    path("tickets/<int:pk>/", tickets.ticket_detail, name="ticket_detail"),
    path("tickets/<int:pk>/<slug:action>/", tickets.ticket_act, name="ticket_act"),
    path("queues/", supervisor.queues, name="queues"),
    path("notifications/", inbox.notifications, name="notifications"),
    path("notifications/read/", inbox.notifications_read, name="notifications_read"),
    path("notifications/<int:pk>/open/", inbox.notification_open, name="notification_open"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("city-mode/", supervisor.city_mode, name="city_mode"),
    path("hotspots/", hotspots.hotspots, name="hotspots"),
    path("hotspots/monthly/", hotspots.monthly, name="monthly_topics"),
    path("hotspots/<int:pk>/", hotspots.hotspot_detail, name="hotspot_detail"),
    path("hotspots/<int:pk>/<slug:action>/", hotspots.hotspot_act, name="hotspot_act"),
    path("models/", supervisor.models, name="models"),
    path("models/action/", supervisor.model_action, name="model_action"),
    path("models/candidates/", candidates.candidate_action, name="candidate_action"),
    path("accuracy/", accuracy.accuracy, name="accuracy"),
]

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", common.home, name="home"),
    path("", include((page_patterns, "pages"))),
]

"""Admin: the working calendar and time limits are data supervisors edit here; tickets, their events
and the phone-read log are read-only (status changes go through the services, history is append-only)."""

from django.contrib import admin

from common.admin import ReadOnlyAdmin
from dispatch.admin_privacy import erase_caller_data, export_caller_data, may_handle_caller_data
from dispatch.models import (
    CityMode,
    Hotspot,
    Notification,
    PhoneAccessLog,
    Ticket,
    TicketAssist,
    TicketCaller,
    TicketEvent,
    TimeLimit,
    WorkCalendarDay,
)


@admin.register(WorkCalendarDay)
class WorkCalendarDayAdmin(admin.ModelAdmin):
    """Enter the State Council's holiday notice for the coming year here (调休 working days included)."""

    list_display = ["date", "is_workday", "name", "source"]
    list_filter = ["is_workday", "source"]
    date_hierarchy = "date"
    search_fields = ["name"]
    readonly_fields = ["source"]

    def save_model(self, request, obj, form, change):
        """Saved through the service: open tickets' deadlines in that year are recomputed (an event each)."""
        from dispatch.services.calendar import work_calendar_enter

        moved = work_calendar_enter(days=[(obj.date, obj.is_workday, obj.name)], by=request.user)
        if moved:
            self.message_user(request, f"已按新日历重新计算 {moved} 件在办工单的时限")


@admin.register(TimeLimit)
class TimeLimitAdmin(admin.ModelAdmin):
    list_display = ["category_code", "urgency", "unit", "sign_limit", "handle_limit", "return_limit", "max_extension"]
    list_filter = ["urgency", "unit"]


@admin.register(CityMode)
class CityModeAdmin(ReadOnlyAdmin):
    """The switch record (switching is done on the supervisor page / API, which checks the role)."""

    list_display = ["switched_at", "mode", "scale", "priority_boost", "switched_by", "reason"]


class TicketEventInline(admin.TabularInline):
    model = TicketEvent
    fields = ["created_at", "action", "from_status", "to_status", "actor_label", "reason"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class TicketAssistInline(admin.TabularInline):
    model = TicketAssist
    fields = ["department", "source", "added_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class TicketCallerInline(TicketAssistInline):
    model = TicketCaller
    fk_name = "ticket"
    fields = ["name", "source_ticket", "created_at"]
    readonly_fields = fields


@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdmin):
    list_display = ["number", "status", "sla_light", "category_code", "lead_department", "district", "created_at"]
    list_filter = ["status", "sla_light", "urgency", "type", "channel", "confidential"]
    search_fields = ["number"]
    date_hierarchy = "created_at"
    list_select_related = ["lead_department", "district"]
    # Personal data stays out of the admin list and form (the phone is read through the recorded endpoint).
    exclude = ["caller_phone"]
    inlines = [TicketAssistInline, TicketCallerInline, TicketEventInline]
    show_full_result_count = False
    actions = [export_caller_data, erase_caller_data]

    def has_caller_data_permission(self, request):
        return may_handle_caller_data(request)


@admin.register(TicketEvent)
class TicketEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "ticket", "action", "from_status", "to_status", "actor_label"]
    list_filter = ["action"]
    list_select_related = ["ticket"]
    raw_id_fields = ["ticket", "actor"]
    show_full_result_count = False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "ticket", "user", "department", "region", "message"]
    list_filter = ["kind"]
    list_select_related = ["ticket", "user", "department", "region"]
    show_full_result_count = False


@admin.register(PhoneAccessLog)
class PhoneAccessLogAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user", "ticket", "purpose", "ip"]
    list_select_related = ["user", "ticket"]


from dispatch import admin_webhooks as _webhooks_admin  # noqa: E402,F401  (registers the webhook pages)
from dispatch.open311 import admin as _open311_admin  # noqa: E402,F401  (registers the Open311 pages)


@admin.register(Hotspot)
class HotspotAdmin(ReadOnlyAdmin):
    """集中诉求预警 as the detection pass left them (handled from the 热点预警 page)."""

    list_display = ["detected_at", "kind", "status", "level", "region", "category_code", "ticket_count", "score"]
    list_filter = ["kind", "status", "level"]
    search_fields = ["summary", "region__name"]
    list_select_related = ["region"]
    raw_id_fields = ["lead_ticket", "proactive_ticket"]

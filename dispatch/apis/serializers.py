"""Output serializers shared by the ticket APIs. Caller data shows as dispatch.selectors.caller_view says
(masked, or hidden on a confidential ticket); the full phone is never serialised — it is only returned by
the recorded reveal-phone endpoint."""

from django.urls import reverse
from rest_framework import serializers

from dispatch.models import Notification, Ticket, TicketEvent
from dispatch.selectors import allowed_actions, caller_view, may_see_model_figures


class CallerMaskingMixin:
    def _callers(self):
        cached = self.context.get("_caller_view")
        if cached is None:
            request = self.context.get("request")
            cached = caller_view(request.user if request else None)
            self.context["_caller_view"] = cached
        return cached

    def get_caller_name(self, obj) -> str:
        return self._callers().name(obj)

    def get_caller_phone(self, obj) -> str:
        return self._callers().phone(obj)

    def get_content(self, obj) -> str:
        return self._callers().content(obj)


class TicketListOutput(CallerMaskingMixin, serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display")
    type_label = serializers.CharField(source="get_type_display")
    urgency_label = serializers.CharField(source="get_urgency_display")
    caller_name = serializers.SerializerMethodField()
    caller_phone = serializers.SerializerMethodField()
    content = serializers.SerializerMethodField()
    district_name = serializers.CharField(source="district.name", default=None)
    street_name = serializers.CharField(source="street.name", default=None)
    community_name = serializers.CharField(source="community.name", default=None)
    grid_name = serializers.CharField(source="grid.name", default=None)
    lead_department_name = serializers.CharField(source="lead_department.name", default=None)

    class Meta:
        model = Ticket
        fields = [
            "id",
            "number",
            "channel",
            "status",
            "status_label",
            "type",
            "type_label",
            "urgency",
            "urgency_label",
            "priority",
            "caller_name",
            "caller_phone",
            "content",
            "address",
            "district",
            "district_name",
            "street",
            "street_name",
            "community",
            "community_name",
            "grid",
            "grid_name",
            "category_code",
            "lead_department",
            "lead_department_name",
            "sla_light",
            "sla_due",
            "confidential",
            "supervised",
            "created_at",
            "version",
        ]


class AssistOutput(serializers.Serializer):
    department = serializers.IntegerField(source="department_id")
    department_name = serializers.CharField(source="department.name")
    source = serializers.CharField()


class ItemOutput(serializers.Serializer):
    """The ticket's matter item (派单目录) and the time-limit class that sets its deadlines."""

    id = serializers.IntegerField()
    path = serializers.CharField()
    name = serializers.CharField()
    time_limit_class = serializers.CharField()
    time_limit_class_label = serializers.CharField(source="get_time_limit_class_display")


class TicketDetailOutput(TicketListOutput):
    item = ItemOutput(source="catalogue_item", allow_null=True, read_only=True)
    assists = AssistOutput(many=True)
    extra_callers = serializers.SerializerMethodField()
    merged_into_number = serializers.CharField(source="merged_into.number", default=None)
    allowed_actions = serializers.SerializerMethodField()
    reply_photo = serializers.SerializerMethodField()
    photos = serializers.SerializerMethodField()

    class Meta(TicketListOutput.Meta):
        fields = TicketListOutput.Meta.fields + [
            "item",
            "address_certain",
            "category_confirmed",
            "assists",
            "extra_callers",
            "dispatch_source",
            "ai_category",
            "ai_probability",
            "ai_model_version",
            "ai_top3",
            "ai_terms",
            "sign_due",
            "handle_due",
            "return_due",
            "merged_into",
            "merged_into_number",
            "satisfaction",
            "return_count",
            "reopen_count",
            "extension_days",
            "urge_count",
            "answer",
            "reply_text",
            "reply_photo",
            "photos",
            "routed_at",
            "dispatched_at",
            "signed_at",
            "replied_at",
            "closed_at",
            "updated_at",
            "allowed_actions",
        ]

    def get_extra_callers(self, obj) -> list[dict]:
        return self._callers().extra_callers(obj)

    def get_reply_photo(self, obj) -> str | None:
        """Where the photo is served to users in the ticket's scope (never a bare /media/ address)."""
        if not obj.reply_photo:
            return None
        url = reverse("dispatch-api:ticket-photo", args=[obj.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url

    # The model's figures, left out for users who act on the ticket rather than on the model (the pages'
    # rule, dispatch.selectors.may_see_model_figures): empty for them.
    MODEL_FIGURES = {"ai_probability": None, "ai_model_version": "", "ai_top3": [], "ai_terms": []}

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is not None and not may_see_model_figures(request.user):
            data.update(
                {name: type(empty)() if empty is not None else None for name, empty in self.MODEL_FIGURES.items()}
            )
        return data

    def get_photos(self, obj) -> list[dict]:
        """The ticket's photos (巡查照片, 处置前, 处置后), each served by the ticket's photo endpoint."""
        request = self.context.get("request")
        rows = []
        for p in obj.photos.all():
            url = reverse("dispatch-api:ticket-photos", args=[obj.pk, p.pk])
            rows.append({"id": p.pk, "kind": p.kind, "url": request.build_absolute_uri(url) if request else url})
        return rows

    def get_allowed_actions(self, obj) -> list[str]:
        request = self.context.get("request")
        return allowed_actions(request.user, obj) if request else []


class TicketFiledOutput(CallerMaskingMixin, serializers.Serializer):
    """The 201 body of a filing: what a client needs to follow the ticket (its id, number, status and
    version for later moves, where it was placed) — GET /api/tickets/<id>/ has the full detail. Fields
    declared by hand: building a ModelSerializer's 60 detail fields was 44 % of a filing's time."""

    class Meta:
        ref_name = "TicketFiled"

    id = serializers.IntegerField()
    number = serializers.CharField()
    status = serializers.ChoiceField(choices=Ticket.Status.choices)
    status_label = serializers.CharField(source="get_status_display")
    version = serializers.IntegerField()
    channel = serializers.ChoiceField(choices=Ticket.Channel.choices)
    type = serializers.ChoiceField(choices=Ticket.Type.choices)
    urgency = serializers.ChoiceField(choices=Ticket.Urgency.choices)
    caller_name = serializers.SerializerMethodField()
    caller_phone = serializers.SerializerMethodField()
    district = serializers.CharField(source="district_id", allow_null=True)
    street = serializers.CharField(source="street_id", allow_null=True)
    community = serializers.CharField(source="community_id", allow_null=True)
    grid = serializers.IntegerField(source="grid_id", allow_null=True)
    category_code = serializers.CharField()
    confidential = serializers.BooleanField()
    created_at = serializers.DateTimeField()


class EventOutput(serializers.ModelSerializer):
    class Meta:
        model = TicketEvent
        fields = ["id", "action", "from_status", "to_status", "actor", "actor_label", "reason", "data", "created_at"]


class NotificationOutput(serializers.ModelSerializer):
    ticket_number = serializers.CharField(source="ticket.number", default=None)
    read_at = serializers.DateTimeField(read_only=True, allow_null=True, help_text="when you read it; null: unread")

    class Meta:
        model = Notification
        fields = ["id", "kind", "ticket", "ticket_number", "message", "data", "created_at", "read_at"]

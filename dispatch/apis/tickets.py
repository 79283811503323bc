"""Filing, listing and reading tickets, the timeline, and the recorded read of a caller's phone."""

import django_filters
from django import forms
from django.db.models import Prefetch, Q
from django.http import FileResponse, Http404
from django.urls import reverse
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from common.apis import RequestListApi, lookup_params, validated
from common.inputs import BoundedIsoDateTimeFilter
from dispatch import selectors, services
from dispatch.apis.common import visible_ticket
from dispatch.apis.idempotency import idempotent
from dispatch.apis.serializers import EventOutput, TicketDetailOutput, TicketFiledOutput, TicketListOutput
from dispatch.models import Ticket, TicketAssist, TicketPhoto
from dispatch.services.intake import CONTENT_MAX, normalise_phone


class IdFilter(django_filters.NumberFilter):
    """A row id: a whole number in the database's range (a float or a 40-digit number is a 400, not a 500)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class TicketFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Ticket.Status.choices)
    sla_light = django_filters.MultipleChoiceFilter(choices=Ticket.Light.choices)
    urgency = django_filters.ChoiceFilter(choices=Ticket.Urgency.choices)
    type = django_filters.ChoiceFilter(choices=Ticket.Type.choices)
    channel = django_filters.ChoiceFilter(choices=Ticket.Channel.choices)
    category_code = django_filters.CharFilter()
    lead_department = IdFilter(field_name="lead_department_id")
    district = django_filters.CharFilter(field_name="district_id")
    street = django_filters.CharFilter(field_name="street_id")
    community = django_filters.CharFilter(field_name="community_id")
    grid = IdFilter(field_name="grid_id")
    supervised = django_filters.BooleanFilter()
    created_after = BoundedIsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = BoundedIsoDateTimeFilter(field_name="created_at", lookup_expr="lt")
    q = django_filters.CharFilter(method="search", label="编号或内容")
    ordering = django_filters.OrderingFilter(fields=("created_at", "sla_due", "priority", "number"))

    class Meta:
        model = Ticket
        fields = []

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(number=value) | Q(content__icontains=value))


class TicketListCreateApi(RequestListApi):
    """GET: the tickets the user may see (filters, pagination). POST: file a ticket (operators)."""

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "TicketFileInput"

        content = serializers.CharField(max_length=CONTENT_MAX, trim_whitespace=True)
        caller_name = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
        # The phone and the category are checked by the service (normalise_phone, require_category).
        caller_phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
        channel = serializers.ChoiceField(choices=Ticket.Channel.choices, default=Ticket.Channel.PHONE)
        address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
        type = serializers.ChoiceField(choices=Ticket.Type.choices, default=Ticket.Type.COMPLAINT)
        urgency = serializers.ChoiceField(choices=Ticket.Urgency.choices, default=Ticket.Urgency.NORMAL)
        confidential = serializers.BooleanField(default=False)
        district = serializers.CharField(max_length=12, required=False, allow_blank=True)
        street = serializers.CharField(max_length=12, required=False, allow_blank=True)
        community = serializers.CharField(max_length=12, required=False, allow_blank=True)
        grid = serializers.CharField(max_length=24, required=False, allow_blank=True)
        category_code = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
        # A matter item of the 派单目录 (id; GET /api/catalogue/items/ lists them); checked by the service.
        item = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
        close_at_intake = serializers.BooleanField(default=False)
        answer = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")

        def validate(self, attrs):
            if attrs.get("close_at_intake") and not attrs.get("answer", "").strip():
                raise serializers.ValidationError({"answer": ["即办须填写答复内容"]})
            return attrs

    model = Ticket
    serializer_class = TicketListOutput
    filterset_class = TicketFilter

    def request_queryset(self):
        return selectors.ticket_list_for_user(self.request.user).order_by("-created_at", "-id")

    @extend_schema(
        request=InputSerializer,
        responses={201: TicketFiledOutput},
        description="201: the filed ticket's id, number, status, version and place (no re-read of the row); "
        "its full detail is GET /api/tickets/{id}/ (the Location header).",
    )
    @idempotent
    def post(self, request):
        ticket = services.ticket_create(by=request.user, **validated(self.InputSerializer, request.data))
        body = TicketFiledOutput(ticket, context={"request": request}).data
        location = reverse("dispatch-api:ticket-detail", args=[ticket.pk])
        return Response(body, status=status.HTTP_201_CREATED, headers={"Location": location})


class BodyFilterBackend(DjangoFilterBackend):
    """The list filters read from a POST body instead of the query string."""

    def get_filterset_kwargs(self, request, queryset, view):
        data = lookup_params(request)
        if not hasattr(data, "get"):  # a JSON list or scalar (found by schemathesis): a 400, not a 500
            raise serializers.ValidationError({"body": ["请求体须为 JSON 对象"]})
        return {**super().get_filterset_kwargs(request, queryset, view), "data": data}


class TicketSearchApi(RequestListApi):
    """POST: the ticket list with its filters (`q`, `status`, … as GET /api/tickets/ takes them) in the body,
    so a search by phone or ID number stays out of URLs and access logs. Page and page size stay in the URL."""

    model = Ticket
    serializer_class = TicketListOutput
    filterset_class = TicketFilter
    filter_backends = [BodyFilterBackend]

    def request_queryset(self):
        return selectors.ticket_list_for_user(self.request.user).order_by("-created_at", "-id")

    @extend_schema(
        request={"application/json": {"type": "object", "description": "the filters of GET /api/tickets/"}},
        responses=TicketListOutput(many=True),
    )
    def post(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)


def detail_queryset():
    return (
        selectors.ticket_queryset()
        .select_related("merged_into", "catalogue_item")
        .prefetch_related(
            Prefetch("assists", queryset=TicketAssist.objects.select_related("department")), "extra_callers", "photos"
        )
    )


class TicketDetailApi(APIView):
    @extend_schema(responses=TicketDetailOutput)
    def get(self, request, pk: int):
        visible_ticket(request, pk)
        ticket = detail_queryset().get(pk=pk)
        return Response(TicketDetailOutput(ticket, context={"request": request}).data)


class TicketTimelineApi(APIView):
    @extend_schema(responses=EventOutput(many=True))
    def get(self, request, pk: int):
        ticket = visible_ticket(request, pk)
        return Response(EventOutput(selectors.ticket_timeline(ticket), many=True).data)


def _serve_photo(field, missing: str):
    """One stored photo as a private download (its type guessed from the file name, as Django does)."""
    if not field:
        raise Http404(missing)
    try:
        handle = field.open("rb")
    except FileNotFoundError as exc:
        raise Http404("现场照片文件不存在") from exc
    response = FileResponse(handle)
    response["Cache-Control"] = "private, max-age=3600"
    return response


class TicketPhotoApi(APIView):
    """The reply's site photo, to users who may see the ticket (404 to everyone else: it shows where a
    citizen lives). The only way uploaded photos are served; /media/ itself is for admins."""

    @extend_schema(responses={(200, "image/*"): bytes})
    def get(self, request, pk: int):
        ticket = visible_ticket(request, pk)
        return _serve_photo(ticket.reply_photo, "该工单没有现场照片")


class TicketPhotosApi(APIView):
    """One of a ticket's photos (巡查照片, 处置前, 处置后), under the same rule as the reply photo."""

    @extend_schema(responses={(200, "image/*"): bytes})
    def get(self, request, pk: int, photo_id: int):
        ticket = visible_ticket(request, pk)
        photo = TicketPhoto.objects.filter(ticket=ticket, pk=photo_id).first()
        return _serve_photo(photo.image if photo else None, "该照片不存在")


class TicketRevealPhoneApi(APIView):
    """The caller's full number. Every call is recorded (who, when, ticket, purpose, IP)."""

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "RevealPhoneInput"

        purpose = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    @extend_schema(request=InputSerializer, responses={200: dict})
    def post(self, request, pk: int):
        ticket = visible_ticket(request, pk)
        data = validated(self.InputSerializer, request.data)
        result = services.ticket_reveal_phone(
            ticket=ticket, by=request.user, purpose=data["purpose"], ip=request.META.get("REMOTE_ADDR")
        )
        return Response(result)


class TicketDuplicatesApi(APIView):
    """Likely duplicates of a text in a community. `mode=merge` (default): open tickets of the last 30
    days with very similar text, offered for 并单 (the strict rule). `mode=hint`: what the intake page
    shows the operator on the line — open tickets of the same place and matter, ranked by text
    (dispatch.duplicates explains both; `address` and `category_code` sharpen the hints)."""

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "DuplicatesInput"

        content = serializers.CharField(max_length=CONTENT_MAX)
        community = serializers.CharField(max_length=12)
        mode = serializers.ChoiceField(choices=["merge", "hint"], default="merge", required=False)
        address = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
        category_code = serializers.CharField(max_length=64, required=False, default="", allow_blank=True)

    @extend_schema(request=InputSerializer, responses=TicketListOutput(many=True))
    def post(self, request):
        """The same lookup with the text in the body (preferred: it stays out of URLs and logs)."""
        return self.get(request)

    @extend_schema(parameters=[InputSerializer], responses=TicketListOutput(many=True))
    def get(self, request):
        from governance.models import Region

        data = validated(self.InputSerializer, lookup_params(request))
        community = Region.objects.filter(code=data["community"], level="community").first()
        if community is None:
            raise serializers.ValidationError({"community": ["未知的社区编码"]})
        visible = selectors.ticket_list_for_user(request.user)
        if data["mode"] == "hint":
            pairs = selectors.duplicate_hints(
                content=data["content"],
                community=community,
                address=data["address"],
                category=data["category_code"],
                visible=visible,
            )
        else:
            pairs = selectors.duplicate_candidates(content=data["content"], community=community)
        shown = set(visible.filter(pk__in=[t.pk for t, _ in pairs]).values_list("pk", flat=True))
        tickets = {t.pk: t for t in selectors.ticket_queryset().filter(pk__in=shown)}
        out = []
        for t, score in pairs:
            if t.pk in tickets:
                row = TicketListOutput(tickets[t.pk], context={"request": request}).data
                row["similarity"] = score
                out.append(row)
        return Response(out)


class TicketsByPhoneApi(RequestListApi):
    """A caller's earlier tickets (the operator's side panel)."""

    model = Ticket
    serializer_class = TicketListOutput
    filter_backends = []

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "ByPhoneInput"

        phone = serializers.CharField(max_length=20)

    def request_queryset(self):
        # Looking people up by phone is the hotline's job, not every role's.
        if not selectors.may_read_caller_name(self.request.user):
            raise PermissionDenied("无权按号码查询")
        phone = normalise_phone(validated(self.InputSerializer, lookup_params(self.request))["phone"], field="phone")
        return selectors.tickets_by_phone(phone, user=self.request.user)

    @extend_schema(parameters=[InputSerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=InputSerializer)
    def post(self, request, *args, **kwargs):
        """The same lookup with the number in the body (preferred: it stays out of URLs and logs)."""
        return self.list(request, *args, **kwargs)

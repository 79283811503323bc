"""集中诉求预警 API: the live hotspots a supervisor sees, and handling one (并单, 未诉先办)."""

import django_filters
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from common.apis import RequestListApi, validated
from dispatch.models import Hotspot
from dispatch.selectors.hotspots import READERS, hotspot_list_for_user
from dispatch.services.hotspots import hotspot_merge, hotspot_open_proactive
from governance.roles import has_role


class HotspotOutput(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")
    status_label = serializers.CharField(source="get_status_display")
    region = serializers.SerializerMethodField()
    lead_department = serializers.SerializerMethodField()
    tickets = serializers.SerializerMethodField()

    class Meta:
        model = Hotspot
        fields = [
            "id",
            "kind",
            "kind_label",
            "status",
            "status_label",
            "level",
            "region",
            "category_code",
            "first_at",
            "last_at",
            "detected_at",
            "ticket_count",
            "score",
            "expected",
            "summary",
            "keywords",
            "lead_department",
            "lead_ticket",
            "proactive_ticket",
            "tickets",
        ]

    def get_region(self, h) -> dict:
        return {"code": h.region.code, "name": h.region.name, "level": h.region.level}

    def get_lead_department(self, h) -> dict | None:
        dep = h.lead_department
        return {"id": dep.pk, "name": dep.name} if dep else None

    def get_tickets(self, h) -> list[int]:
        """Ids of the hotspot's tickets the reader may see (all of them within their region)."""
        return [m.ticket_id for m in h.members_visible]


class HotspotFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Hotspot.Status.choices)
    kind = django_filters.ChoiceFilter(choices=Hotspot.Kind.choices)
    region = django_filters.CharFilter(method="in_region", label="区划编码（含下级）")

    class Meta:
        model = Hotspot
        fields = []

    def in_region(self, queryset, name, value):
        return queryset.filter(region__code__startswith=value.rstrip("0") or value)


def _require_reader(request):
    if not has_role(request.user, *READERS):
        raise PermissionDenied("仅督办/指挥中心可查看集中诉求预警")


def _hotspot_for(request, pk) -> Hotspot:
    """A hotspot of the reader's region, live or past (404 otherwise)."""
    return get_object_or_404(hotspot_list_for_user(request.user, live_only=False), pk=pk)


class HotspotListApi(RequestListApi):
    """Live hotspots (预警中, 已并单, 已主动治理) in the reader's region; `?status=closed` for past ones."""

    model = Hotspot
    serializer_class = HotspotOutput
    filterset_class = HotspotFilter

    def request_queryset(self):
        _require_reader(self.request)
        live_only = not self.request.query_params.get("status")
        return hotspot_list_for_user(self.request.user, live_only=live_only)


class HotspotMergeApi(APIView):
    """并单: the hotspot's open tickets under one lead ticket (given, or the earliest)."""

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "HotspotMergeInput"

        lead_ticket = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False)

    @extend_schema(request=InputSerializer, responses={200: HotspotOutput})
    def post(self, request, pk):
        _require_reader(request)
        data = validated(self.InputSerializer, request.data)
        hotspot = _hotspot_for(request, pk)
        hotspot, merged = hotspot_merge(hotspot=hotspot, by=request.user, lead_ticket=data.get("lead_ticket"))
        fresh = hotspot_list_for_user(request.user, live_only=False).get(pk=hotspot.pk)
        return Response({"merged": merged, "hotspot": HotspotOutput(fresh).data})


class HotspotProactiveApi(APIView):
    """未诉先办: open one proactive ticket to the hotspot's responsible unit."""

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "HotspotProactiveInput"

        note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")

    @extend_schema(request=InputSerializer, responses={201: dict})
    def post(self, request, pk):
        _require_reader(request)
        data = validated(self.InputSerializer, request.data)
        hotspot = _hotspot_for(request, pk)
        ticket = hotspot_open_proactive(hotspot=hotspot, by=request.user, note=data["note"])
        return Response({"ticket": ticket.pk, "number": ticket.number}, status=status.HTTP_201_CREATED)

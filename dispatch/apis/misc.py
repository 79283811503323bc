"""Notifications, the work queues, and the city operating mode."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from common.apis import RequestListApi, validated
from dispatch import selectors, services
from dispatch.apis.serializers import NotificationOutput, TicketListOutput
from dispatch.models import CityMode, Notification, Ticket

QUEUES = {
    "dispatch": selectors.human_dispatch_queue,
    "returns": selectors.return_review_queue,
    "extensions": selectors.extension_queue,
    "replies": selectors.reply_review_queue,
    "callbacks": selectors.callback_queue,
    "worklist": selectors.worklist_for_user,
}


class QueueApi(RequestListApi):
    """A work queue: dispatch (待人工派单), returns, extensions, replies, callbacks, worklist."""

    model = Ticket
    serializer_class = TicketListOutput
    filter_backends = []

    def request_queryset(self):
        queue = QUEUES.get(self.kwargs["name"])
        if queue is None:
            raise NotFound("没有这个队列")
        return queue(self.request.user)


class NotificationListApi(RequestListApi):
    model = Notification
    serializer_class = NotificationOutput
    filter_backends = []

    def request_queryset(self):
        return selectors.notifications_for_user(self.request.user)


class NotificationReadApi(APIView):
    """Mark notifications read for yourself: the ones listed in `ids`, or every unread one you can see."""

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "NotificationReadInput"

        ids = serializers.ListField(
            child=serializers.IntegerField(min_value=1, max_value=2**63 - 1), required=False, max_length=1000
        )

    @extend_schema(request=InputSerializer, responses={200: dict})
    def post(self, request):
        data = validated(self.InputSerializer, request.data)
        marked = services.notifications_mark_read(by=request.user, ids=data.get("ids"))
        return Response({"marked": marked})


class CityModeOutput(serializers.ModelSerializer):
    mode_label = serializers.CharField(source="get_mode_display")

    class Meta:
        model = CityMode
        fields = ["id", "mode", "mode_label", "scale", "priority_boost", "reason", "switched_by", "switched_at"]


class CityModeApi(APIView):
    """GET: the mode in force (日常 when never switched) and the calendar warning. POST: switch (supervisors)."""

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "CityModeInput"

        mode = serializers.ChoiceField(choices=CityMode.Mode.choices)
        reason = serializers.CharField(max_length=200)
        scale = serializers.DecimalField(max_digits=4, decimal_places=2, required=False, allow_null=True, default=None)
        priority_boost = serializers.IntegerField(
            min_value=0, max_value=9, required=False, allow_null=True, default=None
        )

    @extend_schema(responses=CityModeOutput)
    def get(self, request):
        mode = services.current_city_mode()
        return Response(
            {
                "current": CityModeOutput(mode).data if mode else {"mode": "daily", "mode_label": "日常"},
                "calendar_warning": selectors.work_calendar_warning(),
            }
        )

    @extend_schema(request=InputSerializer, responses={201: CityModeOutput})
    def post(self, request):
        switch = services.city_mode_switch(by=request.user, **validated(self.InputSerializer, request.data))
        return Response(CityModeOutput(switch).data, status=status.HTTP_201_CREATED)

"""One endpoint per move: POST /api/tickets/{id}/<move>/. 404 when the user may not know the ticket,
403 when their role or relation to it does not allow the move, 409 when the ticket's state does not
(or another user changed it first: the `version` read by the page is checked under the row lock by
`ticket_transition`), 400 with field messages for bad input.

Each move is a class naming its input serializer and its service; the OpenAPI schema shows each one's
own request body (see `MoveSchema`). Serializers check the shape of the input; the services validate
it (a department by id or code is looked up in services/assignment.py)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from common.apis import validated
from common.inputs import is_id
from config.inputs import DepthLimitedJSONParser
from config.schema import AutoSchema
from dispatch import selectors, services
from dispatch.apis.common import visible_ticket
from dispatch.apis.idempotency import idempotent
from dispatch.apis.serializers import TicketDetailOutput
from dispatch.apis.tickets import detail_queryset
from dispatch.models import Ticket


@extend_schema_field({"oneOf": [{"type": "integer"}, {"type": "string"}], "description": "承办单位 id 或编码"})
class DepartmentField(serializers.Field):
    """A department named by id or code: only the shape is checked here; the service looks it up."""

    default_error_messages = {"unknown": "未知的承办单位"}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | str) or len(str(data)) > 64:
            self.fail("unknown")
        return data

    def to_representation(self, value):
        return getattr(value, "pk", value)


class MoveInput(serializers.Serializer):
    version = serializers.IntegerField(required=False, min_value=0, help_text="页面读到的版本；已变化则 409")


class SignInput(MoveInput):
    pass


class ReasonInput(MoveInput):
    reason = serializers.CharField(max_length=500)


class ReturnInput(ReasonInput):
    pass


class CloseInput(ReasonInput):
    pass


class ReopenInput(ReasonInput):
    pass


class DispatchInput(MoveInput):
    department = DepartmentField()
    assists = serializers.ListField(child=DepartmentField(), required=False, default=list, max_length=10)
    category_code = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    # The matter item's id (派单目录); checked by the service (require_item).
    item = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class RedispatchInput(DispatchInput):
    item = None
    reason = serializers.CharField(max_length=500)


class ReturnReviewInput(MoveInput):
    approve = serializers.BooleanField()
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    department = DepartmentField(required=False, allow_null=True, default=None)
    assists = serializers.ListField(child=DepartmentField(), required=False, default=list, max_length=10)
    category_code = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")


class ExtensionRequestInput(ReasonInput):
    days = serializers.IntegerField(min_value=1, max_value=30)


class ExtensionApproveInput(MoveInput):
    approve = serializers.BooleanField()
    days = serializers.IntegerField(min_value=1, max_value=30, required=False, allow_null=True, default=None)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ReplyInput(MoveInput):
    text = serializers.CharField(max_length=2000)
    photo = serializers.ImageField(required=False, allow_null=True, default=None)
    # 处置前 / 处置后, several each; their content is checked by the service (dispatch/services/photos.py).
    before_photos = serializers.ListField(child=serializers.FileField(), max_length=9, required=False, default=list)
    after_photos = serializers.ListField(child=serializers.FileField(), max_length=9, required=False, default=list)

    def validate_photo(self, value):
        if value is not None and value.size > 5 * 1024 * 1024:
            raise serializers.ValidationError("照片不能超过5MB")
        return value


class ReplyReviewInput(MoveInput):
    approve = serializers.BooleanField()
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    category_code = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")


class CallbackInput(MoveInput):
    satisfaction = serializers.ChoiceField(choices=Ticket.Satisfaction.choices)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class MergeInput(MoveInput):
    into = serializers.CharField(max_length=20, help_text="并入的工单（id 或编号）")


class WhistleInput(ReasonInput):
    departments = serializers.ListField(child=DepartmentField(), min_length=1, max_length=10)


class UrgeInput(MoveInput):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    supervise = serializers.BooleanField(default=False)


class CloseAtIntakeInput(MoveInput):
    answer = serializers.CharField(max_length=2000)


class MoveSchema(AutoSchema):
    """The request body of a move is its class's `InputSerializer`; the response is the ticket."""

    def get_request_serializer(self):
        return self.view.InputSerializer

    def get_response_serializers(self):
        return TicketDetailOutput

    def get_summary(self):
        return self.view.summary


class TicketMoveApi(APIView):
    """Base: read the visible ticket, check the input's shape, call the service (which takes the page's
    `version` as `expected_version`), return the fresh ticket."""

    schema = MoveSchema()
    InputSerializer: type[serializers.Serializer] = MoveInput
    summary = ""

    def move(self, request, ticket: Ticket, **data) -> Ticket:
        """The service call; `data` is the validated input with `expected_version`."""
        return self.service(ticket=ticket, by=request.user, **data)

    @idempotent
    def post(self, request, pk: int):
        ticket = visible_ticket(request, pk)
        data = dict(validated(self.InputSerializer, request.data))
        data["expected_version"] = data.pop("version", None)
        self.move(request, ticket, **data)
        fresh = detail_queryset().get(pk=ticket.pk)
        return Response(TicketDetailOutput(fresh, context={"request": request}).data)


class TicketDispatchApi(TicketMoveApi):
    InputSerializer, summary = DispatchInput, "人工派单"
    service = staticmethod(services.ticket_dispatch)


class TicketSignApi(TicketMoveApi):
    InputSerializer, summary = SignInput, "签收"
    service = staticmethod(services.ticket_sign)


class TicketReturnApi(TicketMoveApi):
    InputSerializer, summary = ReturnInput, "退单"
    service = staticmethod(services.ticket_return)


class TicketReturnReviewApi(TicketMoveApi):
    InputSerializer, summary = ReturnReviewInput, "派单异议审核"
    service = staticmethod(services.ticket_return_review)


class TicketRedispatchApi(TicketMoveApi):
    InputSerializer, summary = RedispatchInput, "改派"
    service = staticmethod(services.ticket_redispatch)


class TicketExtensionRequestApi(TicketMoveApi):
    InputSerializer, summary = ExtensionRequestInput, "申请延期"
    service = staticmethod(services.ticket_extension_request)


class TicketExtensionApproveApi(TicketMoveApi):
    InputSerializer, summary = ExtensionApproveInput, "延期审批"
    service = staticmethod(services.ticket_extension_approve)


class TicketReplyApi(TicketMoveApi):
    InputSerializer, summary = ReplyInput, "答复"
    service = staticmethod(services.ticket_reply)
    parser_classes = [DepthLimitedJSONParser, MultiPartParser, FormParser]


class TicketReplyReviewApi(TicketMoveApi):
    InputSerializer, summary = ReplyReviewInput, "审核答复"
    service = staticmethod(services.ticket_reply_review)


class TicketCallbackApi(TicketMoveApi):
    InputSerializer, summary = CallbackInput, "回访"
    service = staticmethod(services.ticket_callback)


class TicketCloseApi(TicketMoveApi):
    InputSerializer, summary = CloseInput, "办结"
    service = staticmethod(services.ticket_close)


class TicketReopenApi(TicketMoveApi):
    InputSerializer, summary = ReopenInput, "重办"
    service = staticmethod(services.ticket_reopen)


class TicketMergeApi(TicketMoveApi):
    InputSerializer, summary = MergeInput, "并单"
    service = staticmethod(services.ticket_merge)

    def move(self, request, ticket, *, into, **data):
        """The survivor is found among the tickets the user may see, by number or id."""
        qs = selectors.ticket_list_for_user(request.user)
        survivor = qs.filter(number=into).first() or (qs.filter(pk=int(into)).first() if is_id(into) else None)
        if survivor is None:
            raise serializers.ValidationError({"into": ["并入的工单不存在"]})
        return services.ticket_merge(ticket=ticket, into=survivor, by=request.user, **data)


class TicketWhistleApi(TicketMoveApi):
    InputSerializer, summary = WhistleInput, "吹哨报到"
    service = staticmethod(services.ticket_whistle)


class TicketUrgeApi(TicketMoveApi):
    InputSerializer, summary = UrgeInput, "催办/督办"
    service = staticmethod(services.ticket_urge)


class TicketCloseAtIntakeApi(TicketMoveApi):
    InputSerializer, summary = CloseAtIntakeInput, "即办办结"
    service = staticmethod(services.ticket_close_at_intake)


MOVE_APIS = {
    "dispatch": TicketDispatchApi,
    "sign": TicketSignApi,
    "return": TicketReturnApi,
    "return-review": TicketReturnReviewApi,
    "redispatch": TicketRedispatchApi,
    "extension-request": TicketExtensionRequestApi,
    "extension-approve": TicketExtensionApproveApi,
    "reply": TicketReplyApi,
    "reply-review": TicketReplyReviewApi,
    "callback": TicketCallbackApi,
    "close": TicketCloseApi,
    "reopen": TicketReopenApi,
    "merge": TicketMergeApi,
    "whistle": TicketWhistleApi,
    "urge": TicketUrgeApi,
    "close-at-intake": TicketCloseAtIntakeApi,
}

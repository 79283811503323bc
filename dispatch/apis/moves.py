"""One endpoint per move: POST /api/tickets/{id}/<move>/. 404 when the user may not know the ticket,
403 when their role or relation to it does not allow the move, 409 when the ticket's state does not
(or another user changed it first), 400 with field messages for bad input."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from common.errors import ConflictError
from dispatch import selectors, services
from dispatch.apis.common import visible_ticket
from dispatch.apis.serializers import TicketDetailOutput
from dispatch.apis.tickets import detail_queryset
from dispatch.models import Ticket
from governance.models import Department, DispatchCatalogue


class DepartmentField(serializers.Field):
    """A department by id or by code."""

    default_error_messages = {"unknown": "未知的承办单位"}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("unknown")
        qs = Department.objects.filter(is_active=True)
        dep = None
        if isinstance(data, int) or str(data).isdigit():
            dep = qs.filter(pk=int(data)).first()
        dep = dep or qs.filter(code=str(data)).first()
        if dep is None:
            self.fail("unknown")
        return dep

    def to_representation(self, value):
        return value.pk


def validate_category(value: str) -> str:
    if value and not DispatchCatalogue.objects.filter(category_code=value).exists():
        raise serializers.ValidationError("未知的事项类别")
    return value


class MoveInput(serializers.Serializer):
    version = serializers.IntegerField(required=False, min_value=0, help_text="页面读到的版本；已变化则 409")


class ReasonInput(MoveInput):
    reason = serializers.CharField(max_length=500)


class TicketMoveApi(APIView):
    """Base: read the visible ticket, validate the input, call the service, return the ticket."""

    InputSerializer = MoveInput

    def perform(self, request, ticket: Ticket, data: dict) -> Ticket:  # pragma: no cover - abstract
        raise NotImplementedError

    def post(self, request, pk: int):
        ticket = visible_ticket(request, pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        if version is not None and version != ticket.version:
            raise ConflictError("工单已被他人更新，请刷新后重试", code="stale", extra={"version": ticket.version})
        self.perform(request, ticket, data)
        fresh = detail_queryset().get(pk=ticket.pk)
        return Response(TicketDetailOutput(fresh, context={"request": request}).data)


def move_api(name: str, input_serializer, perform, doc: str):
    """Declare a move endpoint class with its own input serializer (so the schema shows it)."""

    def _perform(self, request, ticket, data):
        return perform(request=request, ticket=ticket, **data)

    cls = type(
        name,
        (TicketMoveApi,),
        {"InputSerializer": input_serializer, "perform": _perform, "__doc__": doc},
    )
    cls.post = extend_schema(request=input_serializer, responses=TicketDetailOutput, summary=doc)(cls.post)
    return cls


class DispatchInput(MoveInput):
    department = DepartmentField()
    assists = serializers.ListField(child=DepartmentField(), required=False, default=list, max_length=10)
    category_code = serializers.CharField(
        max_length=64, required=False, allow_blank=True, default="", validators=[validate_category]
    )
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class RedispatchInput(DispatchInput):
    reason = serializers.CharField(max_length=500)


class ReturnReviewInput(MoveInput):
    approve = serializers.BooleanField()
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    department = DepartmentField(required=False, allow_null=True, default=None)
    assists = serializers.ListField(child=DepartmentField(), required=False, default=list, max_length=10)
    category_code = serializers.CharField(
        max_length=64, required=False, allow_blank=True, default="", validators=[validate_category]
    )


class ExtensionRequestInput(ReasonInput):
    days = serializers.IntegerField(min_value=1, max_value=30)


class ExtensionApproveInput(MoveInput):
    approve = serializers.BooleanField()
    days = serializers.IntegerField(min_value=1, max_value=30, required=False, allow_null=True, default=None)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ReplyInput(MoveInput):
    text = serializers.CharField(max_length=2000)
    photo = serializers.ImageField(required=False, allow_null=True, default=None)

    def validate_photo(self, value):
        if value is not None and value.size > 5 * 1024 * 1024:
            raise serializers.ValidationError("照片不能超过5MB")
        return value


class ReplyReviewInput(MoveInput):
    approve = serializers.BooleanField()
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    category_code = serializers.CharField(
        max_length=64, required=False, allow_blank=True, default="", validators=[validate_category]
    )


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


class AnswerInput(MoveInput):
    answer = serializers.CharField(max_length=2000)


def _merge(*, request, ticket, into):
    qs = selectors.ticket_list_for_user(request.user)
    survivor = qs.filter(number=into).first() or (qs.filter(pk=int(into)).first() if into.isdigit() else None)
    if survivor is None:
        raise serializers.ValidationError({"into": ["并入的工单不存在"]})
    return services.ticket_merge(ticket=ticket, into=survivor, by=request.user)


def _reply(*, request, ticket, text, photo):
    return services.ticket_reply(ticket=ticket, by=request.user, text=text, photo=photo)


TicketDispatchApi = move_api(
    "TicketDispatchApi",
    DispatchInput,
    lambda *, request, ticket, **d: services.ticket_dispatch(ticket=ticket, by=request.user, **d),
    "人工派单",
)
TicketSignApi = move_api(
    "TicketSignApi", MoveInput, lambda *, request, ticket: services.ticket_sign(ticket=ticket, by=request.user), "签收"
)
TicketReturnApi = move_api(
    "TicketReturnApi",
    ReasonInput,
    lambda *, request, ticket, reason: services.ticket_return(ticket=ticket, by=request.user, reason=reason),
    "退单",
)
TicketReturnReviewApi = move_api(
    "TicketReturnReviewApi",
    ReturnReviewInput,
    lambda *, request, ticket, **d: services.ticket_return_review(ticket=ticket, by=request.user, **d),
    "派单异议审核",
)
TicketRedispatchApi = move_api(
    "TicketRedispatchApi",
    RedispatchInput,
    lambda *, request, ticket, **d: services.ticket_redispatch(ticket=ticket, by=request.user, **d),
    "改派",
)
TicketExtensionRequestApi = move_api(
    "TicketExtensionRequestApi",
    ExtensionRequestInput,
    lambda *, request, ticket, **d: services.ticket_extension_request(ticket=ticket, by=request.user, **d),
    "申请延期",
)
TicketExtensionApproveApi = move_api(
    "TicketExtensionApproveApi",
    ExtensionApproveInput,
    lambda *, request, ticket, **d: services.ticket_extension_approve(ticket=ticket, by=request.user, **d),
    "延期审批",
)
TicketReplyApi = move_api("TicketReplyApi", ReplyInput, _reply, "答复")
TicketReplyApi.parser_classes = [JSONParser, MultiPartParser, FormParser]
TicketReplyReviewApi = move_api(
    "TicketReplyReviewApi",
    ReplyReviewInput,
    lambda *, request, ticket, **d: services.ticket_reply_review(ticket=ticket, by=request.user, **d),
    "审核答复",
)
TicketCallbackApi = move_api(
    "TicketCallbackApi",
    CallbackInput,
    lambda *, request, ticket, **d: services.ticket_callback(ticket=ticket, by=request.user, **d),
    "回访",
)
TicketCloseApi = move_api(
    "TicketCloseApi",
    ReasonInput,
    lambda *, request, ticket, reason: services.ticket_close(ticket=ticket, by=request.user, reason=reason),
    "办结",
)
TicketReopenApi = move_api(
    "TicketReopenApi",
    ReasonInput,
    lambda *, request, ticket, reason: services.ticket_reopen(ticket=ticket, by=request.user, reason=reason),
    "重办",
)
TicketMergeApi = move_api("TicketMergeApi", MergeInput, _merge, "并单")
TicketWhistleApi = move_api(
    "TicketWhistleApi",
    WhistleInput,
    lambda *, request, ticket, **d: services.ticket_whistle(ticket=ticket, by=request.user, **d),
    "吹哨报到",
)
TicketUrgeApi = move_api(
    "TicketUrgeApi",
    UrgeInput,
    lambda *, request, ticket, **d: services.ticket_urge(ticket=ticket, by=request.user, **d),
    "催办/督办",
)
TicketCloseAtIntakeApi = move_api(
    "TicketCloseAtIntakeApi",
    AnswerInput,
    lambda *, request, ticket, answer: services.ticket_close_at_intake(ticket=ticket, by=request.user, answer=answer),
    "即办办结",
)

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

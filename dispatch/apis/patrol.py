"""巡查上报 from a grid worker's phone: multipart, one or more photos; the service decides the rest."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from dispatch.apis.idempotency import idempotent
from dispatch.apis.serializers import TicketDetailOutput
from dispatch.apis.tickets import detail_queryset
from dispatch.models import Ticket
from dispatch.services.intake import CONTENT_MAX
from dispatch.services.patrol import NOTE_MAX, patrol_report
from dispatch.services.photos import MAX_PHOTOS


class PatrolReportApi(APIView):
    """POST: file what a grid worker found on patrol (grid workers on their own grids, and the admin).

    `handled=true` (自行处置) closes it at once and needs `note` and `after_photos`; otherwise (上报) it is
    routed like a call. `grid` (code or id) defaults to the worker's own grid."""

    parser_classes = [MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "PatrolReportInput"

        content = serializers.CharField(max_length=CONTENT_MAX)
        handled = serializers.BooleanField(default=False)
        grid = serializers.CharField(max_length=24, required=False, allow_blank=True, default="")
        address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
        category_code = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
        urgency = serializers.ChoiceField(choices=Ticket.Urgency.choices, default=Ticket.Urgency.NORMAL)
        note = serializers.CharField(max_length=NOTE_MAX, required=False, allow_blank=True, default="")
        # Image content is checked by the service (photos_check), so the page and the API say the same.
        photos = serializers.ListField(child=serializers.FileField(), max_length=MAX_PHOTOS, default=list)
        after_photos = serializers.ListField(
            child=serializers.FileField(), max_length=MAX_PHOTOS, required=False, default=list
        )

    @extend_schema(request={"multipart/form-data": InputSerializer}, responses={201: TicketDetailOutput})
    @idempotent
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ticket = patrol_report(by=request.user, **data.validated_data)
        ticket = detail_queryset().get(pk=ticket.pk)
        return Response(TicketDetailOutput(ticket, context={"request": request}).data, status=status.HTTP_201_CREATED)

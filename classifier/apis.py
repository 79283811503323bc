"""POST /api/classify/: the operator's live suggestions while a ticket is being taken."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from classifier.services import classify, threshold_for
from governance.models import Region
from governance.selectors import category_suggestions

MAX_TEXT_LENGTH = 5000


def _district(code: str):
    return Region.objects.filter(code=code, level=Region.Level.DISTRICT).first()


class ClassifyApi(APIView):
    class InputSerializer(serializers.Serializer):
        text = serializers.CharField(max_length=MAX_TEXT_LENGTH)
        district = serializers.CharField(required=False, allow_blank=True, max_length=12)

        def validate_district(self, value):
            if not value:
                return None
            district = _district(value)
            if district is None:
                raise serializers.ValidationError("不是已知的区县代码")
            return district

    class AssignmentSerializer(serializers.Serializer):
        lead = serializers.SerializerMethodField()
        assists = serializers.SerializerMethodField()
        is_fallback = serializers.BooleanField()

        def get_lead(self, obj) -> dict:
            return {"code": obj.lead.code, "name": obj.lead.name}

        def get_assists(self, obj) -> list[dict]:
            return [{"code": d.code, "name": d.name} for d in obj.assists]

    class CategorySerializer(serializers.Serializer):
        code = serializers.CharField()
        probability = serializers.FloatField()
        threshold = serializers.FloatField()
        department = serializers.JSONField(allow_null=True, help_text="lead, assists, is_fallback (派单目录)")

    class OutputSerializer(serializers.Serializer):
        categories = serializers.ListField(child=serializers.DictField())
        model_version = serializers.CharField()
        terms = serializers.ListField(child=serializers.CharField())
        auto = serializers.BooleanField()
        threshold = serializers.FloatField()

    @extend_schema(request=InputSerializer, responses={200: OutputSerializer})
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        prediction = classify(serializer.validated_data["text"], k=3)  # no active model: 503 (config/exceptions.py)
        district = serializer.validated_data.get("district")
        suggestions = category_suggestions(
            categories=[(score.code, score.probability) for score in prediction.categories], district=district
        )
        categories = [
            {
                "code": s.code,
                "probability": round(s.probability, 4),
                "threshold": threshold_for(s.code, text=serializer.validated_data["text"]),
                "department": self.AssignmentSerializer(s.assignment).data if s.assignment else None,
            }
            for s in suggestions
        ]
        data = {
            "categories": categories,
            "model_version": prediction.model_version,
            "terms": prediction.terms,
            "auto": prediction.auto,
            "threshold": prediction.threshold,
        }
        return Response(self.OutputSerializer(data).data)

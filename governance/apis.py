"""Read-only API over the governance data: the region tree (children on demand), grids, departments,
the 派单目录 and live address resolution. Thin: filters are validated by an Input serializer, reads go
through selectors or plain querysets with their relations selected (bounded query counts)."""

from django.db.models import Q
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.generics import ListAPIView, get_object_or_404
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from common.apis import RequestListApi, lookup_params, validated
from common.inputs import is_id
from config.schema import AutoSchema
from governance.models import Department, DispatchCatalogue, Grid, Region
from governance.selectors import grid_for_address, grids_under, region_for_address


class Pagination(PageNumberPagination):
    """The project's page size by default; pickers may ask for a whole level at once (?page_size=)."""

    page_size_query_param = "page_size"
    max_page_size = 500


class RegionRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.CharField()


class RegionOutputSerializer(serializers.ModelSerializer):
    parent_code = serializers.CharField(source="parent_id", allow_null=True)
    has_children = serializers.SerializerMethodField()

    class Meta:
        model = Region
        fields = ("code", "name", "official_name", "level", "is_village", "parent_code", "has_children")

    def get_has_children(self, region) -> bool:
        return region.level != Region.Level.COMMUNITY


def _region_or_400(code: str, field: str) -> Region:
    region = Region.objects.filter(code=code.ljust(12, "0") if is_id(code) else code).first()
    if region is None:
        raise serializers.ValidationError({field: [f"没有编码为 {code} 的行政区划"]})
    return region


class FilteredListSchema(AutoSchema):
    """The list's query-string parameters are its view's `FilterSerializer`."""

    def get_override_parameters(self):
        return [*super().get_override_parameters(), self.view.FilterSerializer]


# A paginated list filtered by the query string: the view's `FilterSerializer` checks it (400 naming the
# field) and `filtered(data)` returns the queryset for the valid filters. (A comment, not a docstring: the
# schema would give the base's docstring to every list without its own.)
class FilteredListApi(ListAPIView):
    schema = FilteredListSchema()
    pagination_class = Pagination
    FilterSerializer: type[serializers.Serializer]

    def get_queryset(self):
        return self.filtered(validated(self.FilterSerializer, self.request.query_params))

    def filtered(self, data: dict):
        raise NotImplementedError


class RegionListApi(FilteredListApi):
    """Top of the tree (the city) by default; `level`, `parent` or `q` list matching regions instead."""

    class FilterSerializer(serializers.Serializer):
        level = serializers.ChoiceField(choices=Region.Level.choices, required=False)
        parent = serializers.CharField(required=False, max_length=12)
        q = serializers.CharField(required=False, max_length=64)

    serializer_class = RegionOutputSerializer

    def filtered(self, data: dict):
        qs = Region.objects.order_by("code")
        if not data:
            return qs.filter(parent__isnull=True)
        if "level" in data:
            qs = qs.filter(level=data["level"])
        if "parent" in data:
            qs = qs.filter(parent=_region_or_400(data["parent"], "parent"))
        if "q" in data:
            qs = qs.filter(Q(name__contains=data["q"]) | Q(official_name__contains=data["q"]))
        return qs


class RegionDetailApi(APIView):
    @extend_schema_serializer(component_name="RegionDetail")
    class OutputSerializer(RegionOutputSerializer):
        ancestors = serializers.SerializerMethodField()

        class Meta(RegionOutputSerializer.Meta):
            fields = (*RegionOutputSerializer.Meta.fields, "ancestors")

        def get_ancestors(self, region) -> list[dict]:
            codes = [region.code[:n].ljust(12, "0") for n in (4, 6, 9) if n < len(region.prefix)]
            rows = Region.objects.filter(code__in=codes).order_by("code")
            return RegionRefSerializer(rows, many=True).data

    @extend_schema(responses=OutputSerializer)
    def get(self, request, code):
        region = get_object_or_404(Region, code=code)
        return Response(self.OutputSerializer(region).data)


class RegionChildrenApi(RequestListApi):
    model = Region
    pagination_class = Pagination
    serializer_class = RegionOutputSerializer

    def request_queryset(self):
        parent = get_object_or_404(Region, code=self.kwargs["code"])
        return Region.objects.filter(parent=parent).order_by("code")


class GridListApi(FilteredListApi):
    """Grids under a region (its whole subtree, by code prefix), optionally of one kind."""

    class FilterSerializer(serializers.Serializer):
        region = serializers.CharField(required=False, max_length=12)
        kind = serializers.ChoiceField(choices=Grid.Kind.choices, required=False)
        q = serializers.CharField(required=False, max_length=64)

    @extend_schema_serializer(component_name="GridList")
    class OutputSerializer(serializers.ModelSerializer):
        region = RegionRefSerializer()
        parent_code = serializers.SerializerMethodField()
        responsible = serializers.SerializerMethodField()

        class Meta:
            model = Grid
            fields = ("code", "name", "kind", "place_type", "region", "parent_code", "responsible")

        def get_parent_code(self, grid) -> str | None:
            # Codes nest: a micro grid's parent is its code minus the last 3 digits.
            return grid.code[:-3] if grid.parent_id else None

        def get_responsible(self, grid) -> dict:
            worker = grid.responsible
            return {"id": worker.id, "name": worker.name, "role": worker.role, "role_label": worker.get_role_display()}

    serializer_class = OutputSerializer

    def filtered(self, data: dict):
        if "region" in data:
            qs = grids_under(region=_region_or_400(data["region"], "region"), kind=data.get("kind"))
        else:
            qs = Grid.objects.order_by("code")
            if "kind" in data:
                qs = qs.filter(kind=data["kind"])
        if "q" in data:
            qs = qs.filter(name__contains=data["q"])
        return qs.select_related("region", "responsible")


class DepartmentListApi(FilteredListApi):
    class FilterSerializer(serializers.Serializer):
        level = serializers.ChoiceField(choices=Department.Level.choices, required=False)
        dept_type = serializers.CharField(required=False, max_length=32)
        region = serializers.CharField(required=False, max_length=12, help_text="the region served (exact)")
        q = serializers.CharField(required=False, max_length=64)

    @extend_schema_serializer(component_name="DepartmentList")
    class OutputSerializer(serializers.ModelSerializer):
        region = RegionRefSerializer()

        class Meta:
            model = Department
            fields = ("id", "code", "name", "level", "dept_type", "region", "is_active")

    serializer_class = OutputSerializer

    def filtered(self, data: dict):
        qs = Department.objects.select_related("region").order_by("code")
        if "level" in data:
            qs = qs.filter(level=data["level"])
        if "dept_type" in data:
            qs = qs.filter(dept_type=data["dept_type"])
        if "region" in data:
            qs = qs.filter(region=_region_or_400(data["region"], "region"))
        if "q" in data:
            qs = qs.filter(name__contains=data["q"])
        return qs


class CatalogueListApi(ListAPIView):
    @extend_schema_serializer(component_name="CatalogueList")
    class OutputSerializer(serializers.ModelSerializer):
        class Meta:
            model = DispatchCatalogue
            fields = "__all__"  # a category row is public, every column of it

    pagination_class = Pagination
    serializer_class = OutputSerializer
    queryset = DispatchCatalogue.objects.order_by("category_code")


class AddressResolveApi(APIView):
    """What the intake form shows while the operator types: district/street/community, whether that is
    certain, ranked candidates, and the grid (when a community is known or given)."""

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "AddressResolveInput"

        q = serializers.CharField(max_length=200, trim_whitespace=True)
        community = serializers.CharField(
            required=False, max_length=12, help_text="a community picked by hand: resolve the grid inside it"
        )

    @extend_schema_serializer(component_name="AddressResolveCandidate")
    class CandidateSerializer(serializers.Serializer):
        district = RegionRefSerializer(allow_null=True)
        street = RegionRefSerializer(allow_null=True)
        community = RegionRefSerializer(allow_null=True)
        score = serializers.FloatField()
        matched = serializers.CharField()

    @extend_schema_serializer(component_name="AddressResolve")
    class OutputSerializer(serializers.Serializer):
        query = serializers.CharField()
        certain = serializers.BooleanField()
        score = serializers.FloatField()
        district = RegionRefSerializer(allow_null=True)
        street = RegionRefSerializer(allow_null=True)
        community = RegionRefSerializer(allow_null=True)
        grid = serializers.DictField(allow_null=True)
        candidates = serializers.ListField(child=serializers.DictField())
        place_names = serializers.ListField(
            child=serializers.CharField(), help_text="the 地名库 entries that named the district, if any"
        )

    @extend_schema(request=InputSerializer, responses=OutputSerializer)
    def post(self, request):
        """The same lookup with the address in the body (preferred: it stays out of URLs and logs)."""
        return self.get(request)

    @extend_schema(parameters=[InputSerializer], responses=OutputSerializer)
    def get(self, request):
        params = validated(self.InputSerializer, lookup_params(request))
        text = params["q"]
        match = region_for_address(text)
        district, street, community = match.district, match.street, match.community
        if "community" in params:
            community = _region_or_400(params["community"], "community")
            if community.level != Region.Level.COMMUNITY:
                raise serializers.ValidationError({"community": ["不是社区/村"]})
            street, district = community.parent, community.parent.parent
        grid = grid_for_address(community=community, text=text) if community is not None else None
        payload = {
            "query": text,
            "certain": match.certain,
            "score": match.score,
            "district": district,
            "street": street,
            "community": community,
            "grid": GridListApi.OutputSerializer(grid).data if grid is not None else None,
            "candidates": self.CandidateSerializer(match.candidates, many=True).data,
            "place_names": list(match.place_names),
        }
        return Response(self.OutputSerializer(payload).data)

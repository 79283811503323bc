"""Admin for the governance data. Grids (70k), workers (70k) and places are big: every foreign key is an
autocomplete or raw id, lists select their relations in the same query and skip the full count."""

from django import forms
from django.contrib import admin

from governance.models import (
    CatalogueItem,
    Department,
    DispatchCatalogue,
    Grid,
    GridWorker,
    Place,
    PlaceName,
    Region,
    StaffProfile,
)
from governance.services.departments import DEPARTMENT_TYPE_LABELS


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "official_name", "level", "is_village", "parent")
    list_filter = ("level", "is_village")
    search_fields = ("code", "name", "official_name")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)
    ordering = ("code",)
    show_full_result_count = False


class PlaceInline(admin.TabularInline):
    model = Place
    extra = 0
    fields = ("name", "kind", "building_from", "building_to", "region")
    raw_id_fields = ("region",)


@admin.register(Grid)
class GridAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "place_type", "region", "responsible")
    list_filter = ("kind", "place_type")
    search_fields = ("code", "name", "region__name", "responsible__name")
    list_select_related = ("region", "responsible")
    autocomplete_fields = ("region", "responsible")
    raw_id_fields = ("parent",)
    inlines = [PlaceInline]
    show_full_result_count = False

    def get_search_results(self, request, queryset, search_term):
        # A code typed in full or in part (a region prefix) lists that subtree through the code index.
        if search_term.isdigit():
            return queryset.filter(code__startswith=search_term), False
        return super().get_search_results(request, queryset, search_term)


@admin.register(GridWorker)
class GridWorkerAdmin(admin.ModelAdmin):
    list_display = ("name", "role", "phone", "user")
    list_filter = ("role",)
    search_fields = ("name", "phone", "user__username")
    list_select_related = ("user",)
    raw_id_fields = ("user",)
    show_full_result_count = False


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "building_from", "building_to", "grid", "region")
    list_filter = ("kind",)
    search_fields = ("name", "grid__code", "region__name")
    list_select_related = ("grid", "region")
    autocomplete_fields = ("grid", "region")
    show_full_result_count = False


class PlaceNameForm(forms.ModelForm):
    """The rules of the CSV import: a place lies in one district, a road has no street, a street lies in
    the district chosen."""

    class Meta:
        model = PlaceName
        fields = ("name", "aliases", "kind", "districts", "street")

    def clean(self):
        data = super().clean()
        districts, street, kind = data.get("districts"), data.get("street"), data.get("kind")
        if districts is None:
            return data
        if kind != PlaceName.Kind.ROAD and len(districts) > 1:
            self.add_error("districts", "场所只能属于一个区县；跨区县的道路请选择类别“道路”")
        if street is not None:
            if kind == PlaceName.Kind.ROAD:
                self.add_error("street", "道路不填街道")
            elif not any(street.code.startswith(d.prefix) for d in districts):
                self.add_error("street", "该街道不在所选区县")
        return data


@admin.register(PlaceName)
class PlaceNameAdmin(admin.ModelAdmin):
    """The 地名库; bulk changes go through `manage.py place_names_export` / `place_names_import`."""

    form = PlaceNameForm

    list_display = ("name", "kind", "district_names", "street", "aliases")
    list_filter = ("kind", "districts")
    search_fields = ("name", "aliases")
    list_select_related = ("street",)
    filter_horizontal = ("districts",)
    autocomplete_fields = ("street",)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("districts")

    @admin.display(description="所在区县")
    def district_names(self, obj):
        return "、".join(d.name for d in obj.districts.all())


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "dept_type", "region", "is_active")
    list_filter = ("level", "dept_type", "is_active")
    search_fields = ("code", "name", "region__name")
    list_select_related = ("region",)
    autocomplete_fields = ("region",)


def _department_type_choices():
    known = set(Department.objects.values_list("dept_type", flat=True).distinct()) | set(DEPARTMENT_TYPE_LABELS)
    return [(t, f"{DEPARTMENT_TYPE_LABELS.get(t, t)}（{t}）") for t in sorted(known)]


class DepartmentTypesForm(forms.ModelForm):
    """Unit types are picked from the types that exist, so a typo cannot orphan a category or an item;
    a 协办 type equal to the lead type is dropped."""

    TYPE_FIELDS = ("lead_department_type", "assist_department_types")

    assist_department_types = forms.MultipleChoiceField(
        label="协办单位职能类型", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = _department_type_choices()
        for name in self.TYPE_FIELDS:
            self.fields[name].choices = choices

    def clean(self):
        cleaned = super().clean()
        lead = cleaned.get("lead_department_type")
        cleaned["assist_department_types"] = [t for t in cleaned.get("assist_department_types") or [] if t != lead]
        return cleaned


class DispatchCatalogueForm(DepartmentTypesForm):
    TYPE_FIELDS = (*DepartmentTypesForm.TYPE_FIELDS, "fallback_department_type")

    lead_department_type = forms.ChoiceField(label="主办单位职能类型")
    fallback_department_type = forms.ChoiceField(label="兜底单位职能类型")

    class Meta:
        model = DispatchCatalogue
        fields = (
            "category_code",
            "category_name",
            "lead_department_type",
            "assist_department_types",
            "level",
            "fallback_department_type",
            "description",
            "is_active",
        )


@admin.register(DispatchCatalogue)
class DispatchCatalogueAdmin(admin.ModelAdmin):
    form = DispatchCatalogueForm
    list_display = tuple(f for f in DispatchCatalogueForm.Meta.fields if f != "description")  # the long text aside
    list_editable = ("level", "is_active")
    list_filter = ("level", "is_active")
    search_fields = ("category_code", "category_name", "description")


class CatalogueItemForm(DepartmentTypesForm):
    TYPE_FIELDS = (*DepartmentTypesForm.TYPE_FIELDS, "rural_lead_department_type")

    lead_department_type = forms.ChoiceField(label="牵头单位职能类型")
    rural_lead_department_type = forms.ChoiceField(
        label="乡镇牵头单位职能类型",
        required=False,
        help_text=CatalogueItem._meta.get_field("rural_lead_department_type").help_text,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["rural_lead_department_type"]
        field.choices = [("", "—（与牵头单位相同）"), *field.choices]

    class Meta:
        model = CatalogueItem
        fields = (
            "level1",
            "level2",
            "level3",
            "subitem",
            "lead_department_type",
            "assist_department_types",
            "rural_lead_department_type",
            "level",
            "kind",
            "place_needed",
            "signal_words",
            "time_limit_class",
            "is_active",
        )

    def clean(self):
        cleaned = super().clean()
        lead = cleaned.get("lead_department_type")
        if lead == "street_office" and cleaned.get("place_needed") != CatalogueItem.PlaceNeeded.STREET:
            self.add_error("place_needed", "街道牵头的属地事项须明确街道")
        if cleaned.get("rural_lead_department_type") == lead:
            cleaned["rural_lead_department_type"] = ""
        return cleaned


@admin.register(CatalogueItem)
class CatalogueItemAdmin(admin.ModelAdmin):
    """The item-level 派单目录; bulk changes go through `manage.py catalogue_export` / `catalogue_import`."""

    form = CatalogueItemForm
    list_display = (
        "level1",
        "level2",
        "level3",
        "subitem",
        "lead_department_type",
        "kind",
        "level",
        "place_needed",
        "time_limit_class",
        "is_active",
    )
    list_editable = ("time_limit_class", "is_active")
    list_filter = ("level1", "kind", "level", "place_needed", "time_limit_class", "is_active")
    search_fields = ("level2", "level3", "subitem", "signal_words", "lead_department_type")
    list_per_page = 100


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "department", "region", "phone")
    search_fields = ("user__username", "user__first_name", "department__name", "region__name")
    list_select_related = ("user", "department", "region")
    autocomplete_fields = ("department", "region")
    raw_id_fields = ("user",)

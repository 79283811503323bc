"""Page forms: they check the shape of input (required, lengths, formats, an image that is an image) and
hand clean values to dispatch services, which decide whether the move is allowed. Where a rule of the
service can be shown next to its field before filing (the phone, the place), the form asks the service's
own function (dispatch/services/intake.py) instead of repeating it."""

import re

from django import forms
from django.core.exceptions import ValidationError

from common.errors import ApplicationError
from dispatch.models import CityMode, Ticket
from dispatch.services.core import item_category, require_item
from dispatch.services.intake import CLOSE_NEEDS_CATEGORY, CONTENT_MAX, normalise_phone, place_check
from governance.models import Department, Grid, Region
from governance.selectors import category_choices, departments_near, item_choices, may_report_in

MAX_PHOTO_BYTES = 5 * 1024 * 1024
# Django's own "确保该值不超过…字符" reads like a programmer's message; the intake page counts as it is typed.
CONTENT_TOO_LONG = "诉求内容最多 %(limit_value)d 字，现有 %(show_value)d 字，请精简或将补充情况另行记录"


class IntakeForm(forms.Form):
    """受理登记. The place selects are the operator's correction of the live address resolution."""

    caller_name = forms.CharField(label="来电人", max_length=32, required=False)
    caller_phone = forms.CharField(
        label="来电号码",
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off", "inputmode": "tel"}),
    )
    channel = forms.ChoiceField(label="来源渠道", choices=Ticket.Channel.choices, initial=Ticket.Channel.PHONE)
    type = forms.ChoiceField(label="诉求类型", choices=Ticket.Type.choices, initial=Ticket.Type.COMPLAINT)
    urgency = forms.ChoiceField(label="紧急程度", choices=Ticket.Urgency.choices, initial=Ticket.Urgency.NORMAL)
    address = forms.CharField(
        label="事发地址", max_length=200, required=False, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    content = forms.CharField(
        label="诉求内容",
        max_length=CONTENT_MAX,
        error_messages={"max_length": CONTENT_TOO_LONG},
        widget=forms.Textarea(attrs={"rows": 7, "placeholder": "记录市民诉求：时间、地点、事项、诉求"}),
    )
    confidential = forms.BooleanField(label="保密件", required=False)
    # Optional: the operator's category or matter item (also the eight categories the classifier was never
    # trained on); routing then uses the person's choice. Checked by the service (require_item).
    category_code = forms.ChoiceField(label="事项类别", required=False)
    item = forms.ChoiceField(label="派单目录事项", required=False)
    district = forms.ModelChoiceField(label="区县", queryset=Region.objects.none(), required=False)
    street = forms.ModelChoiceField(label="街道/乡镇", queryset=Region.objects.none(), required=False)
    community = forms.ModelChoiceField(label="社区/村", queryset=Region.objects.none(), required=False)
    grid = forms.ModelChoiceField(label="网格", queryset=Grid.objects.none(), required=False)
    answer = forms.CharField(
        label="即办答复", max_length=CONTENT_MAX, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, intent: str = "file", **kwargs):
        super().__init__(*args, **kwargs)
        self.intent = intent
        # Querysets cover the whole tree so a posted correction validates; the picker shows only the branch.
        self.fields["district"].queryset = Region.objects.filter(level=Region.Level.DISTRICT)
        self.fields["street"].queryset = Region.objects.filter(level=Region.Level.STREET)
        self.fields["community"].queryset = Region.objects.filter(level=Region.Level.COMMUNITY)
        self.fields["grid"].queryset = Grid.objects.all()
        self.fields["category_code"].choices = [("", "（由系统判断）")] + category_choices()
        self.fields["item"].choices = [("", "（由系统判断）")] + [
            (level1, [(str(pk), name) for pk, name in items]) for level1, items in item_choices()
        ]

    def clean_caller_phone(self):
        try:
            phone = normalise_phone(self.cleaned_data.get("caller_phone", ""))
        except ApplicationError as exc:
            raise ValidationError(exc.message) from exc
        if not phone:
            raise ValidationError("请填写来电号码")
        return phone

    def clean_content(self):
        content = (self.cleaned_data.get("content") or "").strip()
        if len(content) < 5:
            raise ValidationError("诉求内容过短，请至少填写 5 个字")
        return content

    def clean(self):
        data = super().clean()
        try:
            place_check(**{key: data.get(key) for key in ("district", "street", "community", "grid")})
        except ApplicationError as exc:
            self.add_error(exc.extra.get("field"), exc.message)
        try:
            item_category(require_item(data.get("item")), data.get("category_code") or "")
        except ApplicationError as exc:
            self.add_error(exc.extra.get("field"), exc.message)
        if self.intent == "close" and not (data.get("answer") or "").strip():
            self.add_error("answer", "即办办结需填写答复内容")
        if self.intent == "close" and not (data.get("category_code") or data.get("item")):
            self.add_error("category_code", CLOSE_NEEDS_CATEGORY)  # every 即办 has its category
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因/说明", max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    too_short = "请填写具体原因（至少 4 个字）"

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if len(reason) < 4:
            raise ValidationError(self.too_short)
        return reason


class OptionalReasonForm(forms.Form):
    reason = forms.CharField(label="说明", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos from one file input (a phone's camera or gallery); the service checks each image."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultiplePhotoInput(attrs={"accept": "image/*", "multiple": True}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data]
        return [super(PhotosField, self).clean(f, initial) for f in files if f]


class ReplyForm(forms.Form):
    text = forms.CharField(label="答复内容", max_length=CONTENT_MAX, widget=forms.Textarea(attrs={"rows": 4}))
    before_photos = PhotosField(label="处置前照片", help_text="可多选，JPG/PNG/WEBP，每张不超过 5MB")
    after_photos = PhotosField(label="处置后照片", help_text="可多选")
    photo = forms.ImageField(label="其他现场照片", required=False, help_text="可选，一张")

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if len(text) < 5:
            raise ValidationError("答复内容过短，请写明办理情况（至少 5 个字）")
        return text

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo and photo.size > MAX_PHOTO_BYTES:
            raise ValidationError("照片不能超过 5MB")
        if photo and getattr(photo, "image", None) is not None and photo.image.format not in {"JPEG", "PNG", "WEBP"}:
            raise ValidationError("只支持 JPG、PNG 或 WEBP 图片")
        return photo


class ExtensionForm(ReasonForm):
    days = forms.IntegerField(label="延期工作日", min_value=1, max_value=10, initial=5)
    field_order = ["days", "reason"]


def yes_no_field(label: str, *, yes: str, no: str, required: bool = True) -> forms.TypedChoiceField:
    """Two radio buttons that clean to True (`yes`) or False (`no`)."""
    return forms.TypedChoiceField(
        label=label,
        choices=[("1", yes), ("0", no)],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        required=required,
    )


class DecisionForm(forms.Form):
    approve = yes_no_field("审核结论", yes="同意", no="不同意")
    reason = forms.CharField(label="审核意见", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        if data.get("approve") is False and len((data.get("reason") or "").strip()) < 4:
            self.add_error("reason", "不同意时请写明理由（至少 4 个字）")
        return data


class UrgeForm(ReasonForm):
    supervise = forms.BooleanField(label="升级为督办", required=False)


UNIT_PICKER = {"data-unit-picker": ""}  # static/js/unit-picker.js adds the search box


class DepartmentChoiceField(forms.ModelChoiceField):
    widget = forms.Select(attrs=UNIT_PICKER)

    def label_from_instance(self, obj):
        return obj.name


def _departments(ticket=None):
    """Units to pick from for a ticket (governance.selectors.departments_near), as a queryset for the field."""
    near = departments_near(district_code=getattr(ticket, "district_id", None), exclude_centre=True)
    return Department.objects.filter(pk__in=[unit.pk for unit in near]).order_by("level", "region_id", "name")


class DispatchForm(forms.Form):
    """Human dispatch and 改派: a category (optional correction) and the lead department."""

    category_code = forms.ChoiceField(label="事项类别", required=False)
    department = DepartmentChoiceField(label="主办单位", queryset=Department.objects.none())
    reason = forms.CharField(label="说明", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, categories=(), ticket=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = _departments(ticket)
        self.fields["category_code"].choices = [("", "（不变）")] + list(categories)


class ReturnReviewForm(DecisionForm):
    """派单异议审核: agreeing with a department re-dispatches at once; without one the ticket goes back
    to the human dispatch queue; refusing sends it back to the same unit."""

    department = DepartmentChoiceField(
        label="改派至",
        queryset=Department.objects.none(),
        required=False,
        help_text="同意退单时可直接改派；留空则回到人工派单队列",
    )
    category_code = forms.ChoiceField(label="更正类别", required=False)

    def __init__(self, *args, categories=(), ticket=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = _departments(ticket)
        self.fields["category_code"].choices = [("", "（不变）")] + list(categories)


class WhistleForm(ReasonForm):
    departments = forms.ModelMultipleChoiceField(
        label="召集单位",
        queryset=Department.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 6, **UNIT_PICKER}),
    )
    field_order = ["departments", "reason"]

    def __init__(self, *args, ticket=None, **kwargs):
        super().__init__(*args, **kwargs)
        units = _departments(ticket)
        self.fields["departments"].queryset = units.filter(pk__in=[u.pk for u in units if may_report_in(u)])


class CallbackForm(forms.Form):
    """回访 script: the three standard questions in the order they are asked, then the reason for 不满意."""

    contacted = yes_no_field("① 承办单位是否与您联系过？", yes="已联系", no="未联系", required=False)
    resolved = forms.ChoiceField(
        label="② 您反映的问题是否已经解决？",
        choices=Ticket.Resolution.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    satisfaction = forms.ChoiceField(
        label="③ 您对办理结果是否满意？",
        choices=Ticket.Satisfaction.choices,
        widget=forms.RadioSelect,
        help_text="不满意将退回承办单位重办；未联系上诉求人时选「未联系上」",
    )
    reason = forms.ChoiceField(
        label="不满意原因", required=False, choices=[("", "请选择…")] + list(Ticket.UnsatisfiedReason.choices)
    )
    note = forms.CharField(label="回访记录", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        satisfaction = data.get("satisfaction")
        if satisfaction and satisfaction != Ticket.Satisfaction.UNREACHABLE:
            if data.get("contacted") in (None, ""):
                self.add_error("contacted", "请记录承办单位是否联系过诉求人")
            if not data.get("resolved"):
                self.add_error("resolved", "请记录问题是否解决")
        if satisfaction == Ticket.Satisfaction.UNSATISFIED and not data.get("reason"):
            self.add_error("reason", "请选择不满意原因")
        return data


class CloseAtIntakeForm(ReasonForm):
    """即办办结 of a filed ticket: the answer, and the category when it has none yet."""

    category_code = forms.ChoiceField(label="事项类别", required=False, help_text="工单尚无类别时必选")
    field_order = ["category_code", "reason"]

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category_code"].choices = [("", "（不变）")] + list(categories)


class MergeForm(forms.Form):
    target = forms.CharField(label="并入工单编号", max_length=20)

    def clean_target(self):
        number = self.cleaned_data["target"].strip().upper()
        if not re.fullmatch(r"ZZ\d{14}", number):
            raise ValidationError("工单编号格式应为 ZZ + 14 位数字")
        return number


class CityModeForm(ReasonForm):
    mode = forms.ChoiceField(label="运行模式", choices=CityMode.Mode.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label="切换原因", max_length=200)
    confirm = forms.BooleanField(label="我已确认：切换将改变新工单的办理时限和优先级，并记录在案", required=True)
    field_order = ["mode", "reason", "confirm"]
    too_short = "请写明切换原因（至少 4 个字）"


class PatrolForm(forms.Form):
    """巡查上报 from the phone: what was found, photos, the grid (one of the worker's), and either 上报 or
    自行处置 with what was done and a photo of the result. The rules are the patrol service's."""

    OUTCOMES = [("report", "上报（派单处理）"), ("handled", "自行处置（已现场解决）")]

    content = forms.CharField(
        label="巡查发现",
        max_length=CONTENT_MAX,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "发现了什么问题：位置、情况"}),
    )
    photos = PhotosField(label="现场照片", help_text="至少一张，可多选")
    grid = forms.ChoiceField(label="所在网格")
    address = forms.CharField(
        label="具体位置", max_length=200, required=False, help_text="默认为所在网格，可补充楼栋、门牌"
    )
    category_code = forms.ChoiceField(label="事项类别", required=False)
    outcome = forms.ChoiceField(label="处理方式", choices=OUTCOMES, initial="report", widget=forms.RadioSelect)
    note = forms.CharField(
        label="处置情况",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="自行处置时必填",
    )
    after_photos = PhotosField(label="处置后照片", help_text="自行处置时至少一张")

    def __init__(self, *args, grids, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid"].choices = [(g.code, g.name) for g in grids]
        self.fields["category_code"].choices = [("", "不确定（自动识别）")] + list(categories)


class BatchDispatchForm(forms.Form):
    """批量派单: the rows ticked ("id:version" each) and one lead unit for all of them."""

    tickets = forms.MultipleChoiceField(label="工单", error_messages={"required": "请先勾选要批量派单的工单"})
    department = DepartmentChoiceField(label="主办单位", queryset=Department.objects.none())
    category_code = forms.ChoiceField(label="事项类别", required=False)

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Any well-formed "id:version" is a choice: which of them are still in the queue is the view's
        # question, and a ticket gone meanwhile is reported, not a reason to refuse the rest.
        posted = self.data.getlist("tickets") if self.is_bound else []
        self.fields["tickets"].choices = [(v, v) for v in posted if re.fullmatch(r"\d{1,12}:\d{1,9}", v)]
        units = departments_near(district_code=None, exclude_centre=True)
        self.fields["department"].queryset = Department.objects.filter(pk__in=[u.pk for u in units]).order_by(
            "level", "region_id", "name"
        )
        self.fields["category_code"].choices = [("", "（不变）")] + list(categories)

    def versions(self) -> dict[int, int]:
        return {int(pk): int(version) for pk, version in (v.split(":") for v in self.cleaned_data["tickets"])}

"""The list pages' filters: the ticket list, the dashboard and the human dispatch queue. They check the
shape of what is asked for; the selectors do the filtering."""

from django import forms

from dispatch.models import Ticket
from governance.models import Region


class TicketFilterForm(forms.Form):
    q = forms.CharField(label="关键词/编号", required=False, max_length=100)
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部")] + list(Ticket.Status.choices))
    light = forms.ChoiceField(label="时限灯", required=False, choices=[("", "全部")] + list(Ticket.Light.choices))
    urgency = forms.ChoiceField(label="紧急程度", required=False, choices=[("", "全部")] + list(Ticket.Urgency.choices))
    category = forms.ChoiceField(label="类别", required=False)

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "全部")] + list(categories)


class DashboardFilterForm(forms.Form):
    PERIODS = [("7", "近7天"), ("30", "近30天"), ("90", "近90天"), ("365", "近一年"), ("custom", "自定义")]
    period = forms.ChoiceField(label="时段", choices=PERIODS, required=False, initial="30")
    start = forms.DateField(label="开始", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="结束", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    district = forms.ModelChoiceField(label="区县", queryset=Region.objects.none(), required=False, empty_label="全市")
    street = forms.ModelChoiceField(
        label="街道", queryset=Region.objects.none(), required=False, empty_label="全部街道"
    )

    def __init__(self, *args, scope: Region | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        districts = Region.objects.filter(level=Region.Level.DISTRICT)
        streets = Region.objects.filter(level=Region.Level.STREET)
        # A supervisor filters within their own subtree only.
        if scope is not None and scope.level != Region.Level.CITY:
            districts = districts.filter(code__startswith=scope.prefix)
            streets = streets.filter(code__startswith=scope.prefix)
        self.fields["district"].queryset = districts
        self.fields["street"].queryset = streets
        if scope is not None and scope.level != Region.Level.CITY:
            self.fields["district"].empty_label = f"全部（{scope.name}）"

    def clean(self):
        data = super().clean()
        if data.get("period") == "custom":
            start, end = data.get("start"), data.get("end")
            if not start:
                self.add_error("start", "请选择开始日期")
            if not end:
                self.add_error("end", "请选择结束日期")
            if start and end and start > end:
                self.add_error("end", "结束日期不能早于开始日期")
            if start and end and (end - start).days > 366:
                self.add_error("end", "时段不能超过一年")
        street, district = data.get("street"), data.get("district")
        if street and district and street.parent_id != district.code:
            self.add_error("street", "所选街道不属于所选区县")
        return data


class QueueFilterForm(forms.Form):
    """The human dispatch queue's filters (dispatch.selectors.queue)."""

    district = forms.ModelChoiceField(label="区县", queryset=Region.objects.none(), required=False, empty_label="全部")
    street = forms.ModelChoiceField(label="街道", queryset=Region.objects.none(), required=False, empty_label="全部")
    category = forms.ChoiceField(label="类别（含AI判断）", required=False)
    channel = forms.ChoiceField(label="来源渠道", required=False, choices=[("", "全部")] + list(Ticket.Channel.choices))
    waiting = forms.ChoiceField(label="等待时间", required=False)

    def __init__(self, *args, categories=(), waiting=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = Region.objects.filter(level=Region.Level.DISTRICT)
        district = self.data.get("district") if self.is_bound else None
        # Streets of the chosen district only (a street posted without its district still validates).
        streets = Region.objects.filter(level=Region.Level.STREET)
        self.fields["street"].queryset = streets
        self.street_options = list(streets.filter(parent_id=district)) if district else []
        self.fields["category"].choices = [("", "全部")] + list(categories)
        self.fields["waiting"].choices = [("", "全部")] + list(waiting)

"""派单准确率复盘: the classifier's accuracy by category, by matter item and by first unit, and its worst
confusions."""

import datetime as dt

from django.shortcuts import render
from django.utils import timezone

from dispatch.actors import actor_for
from dispatch.pages.views.common import SUPERVISOR_ROLES, role_required
from dispatch.selectors.accuracy import accuracy_by_category, accuracy_by_item, accuracy_by_unit, worst_confusions
from governance.models import Region

PERIODS = (7, 30, 90)


@role_required(*SUPERVISOR_ROLES)
def accuracy(request):
    try:
        days = int(request.GET.get("days", 30))
    except ValueError:
        days = 30
    days = days if days in PERIODS else 30
    until = timezone.now()
    since = until - dt.timedelta(days=days)
    region = actor_for(request.user).region
    # a district supervisor sees the district's tickets; a city one (or an admin) the whole city
    district = region if region is not None and region.level == Region.Level.DISTRICT else None
    scope = {"since": since, "until": until, "district": district}
    context = {
        "days": days,
        "periods": PERIODS,
        "by_category": accuracy_by_category(**scope),
        "by_item": accuracy_by_item(**scope),
        "by_unit": accuracy_by_unit(**scope),
        "confusions": worst_confusions(**scope),
    }
    return render(request, "pages/accuracy.html", context)

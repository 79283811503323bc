"""巡查上报 page (a grid worker's phone): the form → the patrol service → the new ticket's page."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from common.errors import ApplicationError
from dispatch.pages.forms import PatrolForm
from dispatch.pages.views.common import role_required
from dispatch.selectors.patrol import patrol_grids_for
from dispatch.services.patrol import patrol_report
from governance import roles
from governance.selectors import category_choices


@role_required(roles.GRID_WORKER)
def patrol(request):
    grids = list(patrol_grids_for(request.user))
    form_args = {"grids": grids, "categories": category_choices()}
    if request.method != "POST":
        form = PatrolForm(initial={"grid": grids[0].code if grids else ""}, **form_args)
        return render(request, "pages/patrol.html", {"form": form, "has_grids": bool(grids)})
    form = PatrolForm(request.POST, request.FILES, **form_args)
    if form.is_valid():
        data = form.cleaned_data
        try:
            ticket = patrol_report(
                by=request.user,
                content=data["content"],
                photos=data["photos"],
                handled=data["outcome"] == "handled",
                grid=data["grid"],
                address=data["address"],
                category_code=data["category_code"],
                note=data["note"],
                after_photos=data["after_photos"],
            )
        except PermissionDenied:
            form.add_error("grid", "只能在本人负责的网格内上报")
        except ApplicationError as exc:
            field = (exc.extra or {}).get("field")
            form.add_error(field if field in form.fields else None, exc.message)
        else:
            done = "已自行处置并办结" if ticket.status == ticket.Status.CLOSED else "已上报，系统正在分拨"
            messages.success(request, f"巡查上报成功：{ticket.number}，{done}")
            return redirect("pages:ticket_detail", pk=ticket.pk)
    messages.error(request, "请按提示修改后再提交。")
    return render(request, "pages/patrol.html", {"form": form, "has_grids": bool(grids)}, status=400)

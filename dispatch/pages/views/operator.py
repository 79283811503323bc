"""接线员: the intake form with its live panels (AI suggestion, place, duplicates, caller history) and
the human dispatch queue."""

import uuid
from dataclasses import dataclass

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from classifier.services import NoActiveModel, classify
from common.errors import ApplicationError
from common.inputs import is_id
from dispatch import selectors, services
from dispatch.pages.forms import CONTENT_MAX, IntakeForm
from dispatch.pages.templatetags import highlight_terms
from dispatch.pages.views.common import role_required
from dispatch.services.idempotency import Answer, idempotent_call
from dispatch.services.intake import FILERS, normalise_phone, place_trim
from governance.models import Grid, Region
from governance.selectors import (
    category_choices,
    category_suggestions,
    grid_for_address,
    grid_get,
    names_site,
    place_picker_options,
    region_for_address,
    region_get,
)
from governance.selectors.routing import routing_decision

FIELDS = [
    "caller_name",
    "caller_phone",
    "channel",
    "type",
    "urgency",
    "address",
    "content",
    "confidential",
    "category_code",
    "item",
]
SUGGEST_MIN_CHARS = 6


# --- Intake -----------------------------------------------------------------------------------------


@role_required(*FILERS)
def intake(request):
    """受理登记. `?phone=…` is the caller popup a CTI integration opens: the number filled in and the
    caller's earlier tickets shown. "提交并新建" files and comes back to an empty form."""
    if request.method != "POST":
        phone = _popup_phone(request.GET.get("phone", ""))
        form = IntakeForm(initial={"caller_phone": phone} if phone else None)
        return render(request, "pages/intake.html", _intake_context(request, form, place_state(), phone=phone))
    intent = request.POST.get("intent", "file")
    merge_into = request.POST.get("merge_into") or ""
    if merge_into:
        intent = "merge"
    form = IntakeForm(request.POST, intent="close" if intent == "close" else "file")
    if form.is_valid():
        try:
            ticket_pk = _file_once(request, form, intent=intent, merge_into=merge_into)
        except ApplicationError as exc:  # the service's own checks, shown next to the field they name
            field = (exc.extra or {}).get("field")
            form.add_error(field if field in form.fields else None, exc.message)
        else:
            if intent == "file_new":
                return redirect("pages:intake")
            return redirect("pages:ticket_detail", pk=ticket_pk)
    # Re-render with the operator's place choices kept (the inconsistent ones dropped by the picker).
    data = getattr(form, "cleaned_data", {})
    place = place_state(**{key: data.get(key) for key in ("district", "street", "community", "grid")})
    return render(request, "pages/intake.html", _intake_context(request, form, place), status=400)


def _popup_phone(value: str) -> str:
    try:
        return normalise_phone(value[:30])
    except ApplicationError:  # a withheld or odd caller id: the operator types the number
        return ""


def _intake_context(request, form, place, *, phone: str = "") -> dict:
    # Each rendering of the form carries a fresh Idempotency-Key: a double click or a resubmitted form
    # files one ticket (dispatch/services/idempotency.py); a failed submission keeps no key.
    history = list(selectors.tickets_by_phone(phone, user=request.user)[:10]) if phone else None
    return {
        "form": form,
        "place": place,
        "idempotency_key": uuid.uuid4().hex,
        "content_max": CONTENT_MAX,
        "history": history,
        "phone": phone,
    }


def _file_once(request, form: IntakeForm, *, intent: str, merge_into: str) -> int:
    """Files through `_file` at most once per form (its idempotency_key); returns the ticket to show."""
    key = request.POST.get("idempotency_key", "")
    if not key:
        return _file(request, form, intent=intent, merge_into=merge_into).pk
    body = {
        k: request.POST.getlist(k) for k in sorted(request.POST) if k not in ("csrfmiddlewaretoken", "idempotency_key")
    }

    def call() -> Answer:
        return Answer(201, {"ticket": _file(request, form, intent=intent, merge_into=merge_into).pk})

    answer = idempotent_call(user=request.user, key=key, method="POST", path=request.path, body=body, call=call)
    if answer.replayed:
        messages.info(request, "该表单已提交过，未重复受理")
    return answer.body["ticket"]


def _file(request, form: IntakeForm, *, intent: str, merge_into: str):
    data = form.cleaned_data
    fields = {name: data.get(name) for name in FIELDS}
    place = {name: data.get(name) for name in ("district", "street", "community", "grid")}
    if intent == "merge":
        target = (
            selectors.ticket_list_for_user(request.user).filter(pk=int(merge_into)).first()
            if is_id(merge_into)
            else None
        )
        if target is None:
            raise ApplicationError("要并入的工单不存在或您无权查看", code="not_found")
        ticket = services.ticket_create_merged(by=request.user, into=target, **fields, **place)
        messages.success(request, f"已受理 {ticket.number} 并并入 {target.number}（来电人已追加到原工单）")
        return target
    if intent == "close":
        ticket = services.ticket_create(
            by=request.user,
            **fields,
            **place,
            close_at_intake=True,
            answer=data["answer"],
        )
        messages.success(request, f"工单 {ticket.number} 已即办办结")
        return ticket
    # Routing takes the operator's category or item as a person's choice; without one it classifies.
    ticket = services.ticket_create(by=request.user, **fields, **place)
    messages.success(request, f"工单 {ticket.number} 已受理，系统正在智能分拨")
    return ticket


# --- Live panels (htmx) ----------------------------------------------------------------------------


@dataclass
class PlaceState:
    districts: list
    streets: list
    communities: list
    grids: list
    district: Region | None = None
    street: Region | None = None
    community: Region | None = None
    grid: Grid | None = None
    match: object | None = None
    note: str = ""


def place_state(*, district=None, street=None, community=None, grid=None, match=None, note="") -> PlaceState:
    """The cascading picker: options of each level under the chosen parent, inconsistent children dropped."""
    kept = place_trim(district=district, street=street, community=community, grid=grid)
    district, street, community, grid = kept.district, kept.street, kept.community, kept.grid
    options = place_picker_options(district=district, street=street, community=community, grid=grid)
    return PlaceState(
        options.districts,
        options.streets,
        options.communities,
        options.grids,
        district,
        street,
        community,
        grid,
        match,
        note,
    )


def _region(value, level: str) -> Region | None:
    return region_get(value, level=level)


@require_POST
@role_required(*FILERS)
def place_panel(request):
    """Address typed → resolve it; a select changed → cascade. Either way, the whole picker re-renders."""
    post = request.POST
    address = (post.get("address") or "")[:200]
    district = _region(post.get("district"), Region.Level.DISTRICT)
    street = _region(post.get("street"), Region.Level.STREET)
    community = _region(post.get("community"), Region.Level.COMMUNITY)
    grid = grid_get(post.get("grid"))
    match, note = None, ""
    changed = request.headers.get("HX-Trigger-Name", "")
    if changed == "address" or post.get("resolve"):
        match = region_for_address(address) if address.strip() else None
        if match is not None and match.certain:
            district, street, community = match.district, match.street, match.community
            grid = grid_for_address(community=community, text=address) if community else None
            # "识别" only when the place is known down to the community (the grid follows from it).
            note = "地址已自动识别" if community else f"已识别到{(street or district).name}，请选择社区/村"
        elif match is not None and match.district is not None:
            # Only the district is sure (two roads of it, a landmark of the 地名库): the street is the operator's.
            district, street, community, grid = match.district, None, None, None
            via = f"（地名库：{'、'.join(match.place_names)}）" if match.place_names else ""
            note = f"已识别到{district.name}{via}，请选择街道和社区/村"
        elif match is not None and match.candidates:
            note = "地址不确定，请从候选中选择或手动选择"
        elif address.strip():
            note = "未能识别地址，请手动选择"
    elif changed == "community" and community is not None:
        grid = grid_for_address(community=community, text=address)
    elif changed in ("district", "street"):
        grid = None
    # A candidate button carries its own codes.
    if post.get("pick"):
        community = _region(post.get("pick"), Region.Level.COMMUNITY)
        if community is not None:
            street, district = community.parent, community.parent.parent
            grid = grid_for_address(community=community, text=address)
            note = "已选择候选地址"
    state = place_state(district=district, street=street, community=community, grid=grid, match=match, note=note)
    response = render(request, "pages/_place_panel.html", {"place": state})
    # The AI panel (responsible unit depends on the district) and the duplicate check listen for this.
    # After the swap, so the panels that listen read the new district/community selects, not the old ones.
    response["HX-Trigger-After-Swap"] = "placeChanged"
    return response


@require_POST
@role_required(*FILERS)
def suggest_panel(request):
    """The classifier's top-3 for the text typed so far, the responsible unit of each, and the words
    that drove the top one (highlighted in the text)."""
    content = (request.POST.get("content") or "")[:CONTENT_MAX]
    district = _region(request.POST.get("district"), Region.Level.DISTRICT)
    context = {"content": content, "error": "", "rows": [], "prediction": None}
    if len(content.strip()) < SUGGEST_MIN_CHARS:
        context["error"] = f"输入至少 {SUGGEST_MIN_CHARS} 个字后显示智能分类建议"
        return render(request, "pages/_suggest_panel.html", context)
    try:
        prediction = classify(content, k=15)
    except NoActiveModel:
        context["error"] = "暂无启用的分类模型，工单将进入人工派单队列"
        return render(request, "pages/_suggest_panel.html", context)
    names = dict(category_choices())
    suggestions = category_suggestions(
        categories=[(score.code, score.probability) for score in prediction.categories[:3]], district=district
    )
    rows = [
        {
            "code": s.code,
            "label": names.get(s.code, s.code),
            "probability": s.probability,
            "department": s.assignment.lead.name if s.assignment else "",
            "fallback": s.assignment.is_fallback if s.assignment else False,
        }
        for s in suggestions
    ]
    context.update(
        decision=routing_decision(
            text=content,
            category_probabilities={c.code: float(c.probability) for c in prediction.categories},
            classifier_confident=prediction.auto,
            district=district,
            street=_region(request.POST.get("street"), Region.Level.STREET),
            site_named=names_site(request.POST.get("address") or ""),
        ),
        prediction=prediction,
        rows=rows,
        highlighted=highlight_terms(content, prediction.terms),
    )
    return render(request, "pages/_suggest_panel.html", context)


@require_POST
@role_required(*FILERS)
def duplicates_panel(request):
    content = (request.POST.get("content") or "")[:CONTENT_MAX]
    community = _region(request.POST.get("community"), Region.Level.COMMUNITY)
    found = []
    if community is not None and len(content.strip()) >= SUGGEST_MIN_CHARS:
        # Hints, not the strict 并单 rule: the operator looks and decides (dispatch.duplicates).
        found = selectors.duplicate_hints(
            content=content,
            community=community,
            address=request.POST.get("address", ""),
            category=request.POST.get("category_code", ""),
            visible=selectors.ticket_list_for_user(request.user),
        )
    return render(request, "pages/_duplicates_panel.html", {"found": found, "community": community})


@require_POST
@role_required(*FILERS)
def history_panel(request):
    try:
        phone = normalise_phone(request.POST.get("caller_phone", ""))
    except ApplicationError:  # an unfinished number is simply not looked up yet
        phone = ""
    tickets = list(selectors.tickets_by_phone(phone, user=request.user)[:10]) if phone else []
    return render(request, "pages/_history_panel.html", {"tickets": tickets, "phone": phone})

"""巡查上报: what a grid worker finds on patrol, filed from the phone with photos.

Either handled on the spot (自行处置: filed and closed in one transaction with a photo of the result,
counted for the grid, never routed) or reported up (上报: filed like a call and routed by the normal
routing task). The API and the page both call `patrol_report`; who may file on which grid is the
filing rule in `dispatch.services.intake` (`may_file`)."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from classifier.services import NoActiveModel, classify
from common.errors import ApplicationError
from dispatch.actors import actor_for
from dispatch.models import Ticket, TicketPhoto
from dispatch.services.core import require_text, ticket_transition
from dispatch.services.intake import PATROL_FILERS, grid_lookup, ticket_create
from dispatch.services.photos import PhotoUpload, photos_attach, photos_check
from governance.models import Grid

NOTE_MAX = 1000


def _place_of(grid: Grid) -> dict:
    """A grid's community (or, for a dedicated grid, its street) as filing fields."""
    if grid.region.level == "community":
        return {"community": grid.region, "grid": grid}
    return {"street": grid.region, "grid": grid} if grid.region.level == "street" else {"grid": grid}


def _suggested_category(content: str) -> tuple[str, dict]:
    """For a finding closed on the spot (never routed): the classifier's first category and its record."""
    try:
        prediction = classify(content)
    except NoActiveModel:
        return "", {}
    top = prediction.top
    return top.code, {
        "ai_category": top.code,
        "ai_probability": top.probability,
        "ai_model_version": prediction.model_version,
        "ai_top3": [{"code": c.code, "probability": c.probability} for c in prediction.categories],
        "ai_terms": prediction.terms,
    }


def patrol_report(
    *,
    by,
    content: str,
    photos,
    handled: bool,
    grid=None,
    address: str = "",
    category_code: str = "",
    note: str = "",
    after_photos=(),
    urgency: str = Ticket.Urgency.NORMAL,
) -> Ticket:
    """File a patrol finding (channel `patrol`, no caller) on one of the worker's grids — by default their
    own (the first of their grids). `photos` (one or more) show what was found.

    `handled=False` (上报): the ticket is filed and routed after commit like any call.
    `handled=True` (自行处置): `note` says what was done and `after_photos` (one or more) show the result;
    the ticket is filed and closed by the worker in the same transaction (status 已办结, dispatch source
    网格自处), with the category given or else the classifier's suggestion. Nothing is written when any
    input is refused: ApplicationError (400) names the field; PermissionDenied (403) for users who may not
    file patrol reports or for a grid that is not theirs."""
    actor = actor_for(by)
    if not actor.has(*PATROL_FILERS):
        raise PermissionDenied("巡查上报只能由网格员提交")
    grid = grid_lookup(grid)
    if grid is None and actor.grid_codes:
        grid = Grid.objects.select_related("region").filter(code=actor.grid_codes[0]).first()
    if grid is None:
        raise ApplicationError("请选择网格", code="required", extra={"field": "grid"})
    content = require_text(content, field="content", label="巡查发现")
    found = photos_check(photos, field="photos", required=True, label="现场照片")
    after: list = []
    if handled:
        note = require_text(note, field="note", label="处置情况", max_length=NOTE_MAX)
        after = photos_check(after_photos, field="after_photos", required=True, label="处置后照片")
    place = _place_of(grid)
    address = (address or "").strip() or grid_address(grid)
    with transaction.atomic():
        ticket = ticket_create(
            by=by,
            content=content,
            channel=Ticket.Channel.PATROL,
            type=Ticket.Type.REPORT,
            urgency=urgency,
            address=address,
            category_code=category_code,
            route=not handled,
            **place,
        )
        photos_attach(
            ticket=ticket,
            by=actor.user,
            photos=[PhotoUpload(TicketPhoto.Kind.BEFORE if handled else TicketPhoto.Kind.PATROL, f) for f in found]
            + [PhotoUpload(TicketPhoto.Kind.AFTER, f) for f in after],
        )
        if handled:
            ticket = _self_handle(ticket=ticket, by=by, note=note, photos=len(found) + len(after))
    return ticket


def _self_handle(*, ticket: Ticket, by, note: str, photos: int) -> Ticket:
    now = timezone.now()
    suggested, ai = ("", {}) if ticket.category_code else _suggested_category(ticket.content)

    def mutate(t, actor):
        t.reply_text = note
        t.replied_at = t.closed_at = now
        t.dispatch_source = Ticket.DispatchSource.SELF
        for name, value in ai.items():
            setattr(t, name, value)
        fields = ["reply_text", "replied_at", "closed_at", "dispatch_source", *ai]
        if not t.category_code and suggested:
            t.category_code = suggested
            fields.append("category_code")
        else:
            t.category_confirmed = bool(t.category_code)
            fields.append("category_confirmed")
        return fields

    return ticket_transition(
        ticket=ticket, by=by, action="self_handle", reason=note, mutate=mutate, data={"photos": photos}
    )


def grid_address(grid: Grid) -> str:
    """The grid's place as an address line (the default of a patrol report)."""
    names, node = [], grid.region
    while node is not None and node.level != "city":
        names.append(node.name)
        node = node.parent
    return "".join(reversed(names)) + grid.name

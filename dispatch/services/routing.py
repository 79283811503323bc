"""Routing (分拨): classify, place the ticket, choose the matter item, dispatch it by the item-level 派单目录
or leave it for a person (governance.selectors.routing decides; this module writes the outcome)."""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Case, Q, When
from django.utils import timezone

from classifier.services import NoActiveModel, classify_many
from common.errors import ConflictError
from dispatch.duplicates import hint_keys, sketch_bands
from dispatch.models import Notification, Ticket, TicketAssist, TicketHintKey, TicketSketch
from dispatch.selectors import duplicate_candidates
from dispatch.services.assignment import assign_lead, assists_add, notify_dispatched
from dispatch.services.core import ticket_transition
from dispatch.services.notifications import notifications_deferred, notify
from governance.selectors import grid_for_address, names_site, region_for_address, routable_place
from governance.selectors.routing import routing_decision

logger = logging.getLogger(__name__)
S = Ticket.Status


# Every category's probability goes to the item chooser (the ticket keeps the top three).
CATEGORY_K = 15
NO_MODEL = "分类模型未启用，请人工分派"
# A ticket whose routing raised twice (its batch, then the reconciler's retry) waits for a person.
ROUTING_FAILED = "自动分派出错（已记录），请人工分派"


def _classify_many(texts: list[str]) -> list:
    """The classifier's predictions for these texts in one batch call, or None for each when no model is
    active (the tickets then wait for a person)."""
    if not texts:
        return []
    try:
        return classify_many(texts, k=CATEGORY_K)
    except NoActiveModel:
        return [None] * len(texts)


def _place(ticket: Ticket) -> dict:
    """District/street/community/grid for the ticket's address (or its content when no address), and
    whether the address names a spot inside the district (`site`: a road, a 小区; the content alone is
    not taken to name one).

    Only a certain match is filled in; an ambiguous one is kept as candidates in the routing event."""
    found: dict = {"candidates": [], "site": names_site(ticket.address)}
    text = ticket.address or ticket.content[:200]
    if ticket.community_id is None:
        match = region_for_address(text)
        found["score"] = round(float(match.score), 3)
        found["candidates"] = [
            {"community": c.community.code if c.community else None, "score": round(float(c.score), 3)}
            for c in match.candidates[:3]
        ]
        if match.place_names:
            found["place_names"] = list(match.place_names)
        district, street, community = routable_place(match)
        if match.certain:
            found.update(district=district, street=street, community=community)
        elif district is not None and ticket.district_id is None:
            # The district alone can be certain when the community is not (e.g. same name in two streets).
            found["district"] = district
    community = found.get("community") or ticket.community
    if community is not None and ticket.grid_id is None:
        found["grid"] = grid_for_address(community=community, text=text)
    return found


def _category_belief(ticket: Ticket, prediction) -> tuple[dict[str, float] | None, bool]:
    """The category probabilities the item chooser weighs, and whether they are trusted: the operator's
    category from intake when there is one (a person decided it, also one of the eight categories the
    classifier was never trained on), else the classifier's."""
    probabilities = {c.code: float(c.probability) for c in prediction.categories} if prediction else {}
    if ticket.category_code:
        return {code: 0.0 for code in probabilities} | {ticket.category_code: 1.0}, True
    return (probabilities if prediction else None), bool(prediction and prediction.auto)


@dataclass
class _Plan:
    """What routing decided for one ticket, from reads made outside any lock."""

    ticket: Ticket
    prediction: object
    place: dict
    decision: object
    community: object
    duplicates: list
    failure: str = ""  # routing raised: the reason the ticket waits for a person
    error: str = ""  # and the error's class, for the event

    @property
    def assignment(self):
        return self.decision.assignment if self.decision is not None and self.decision.auto else None


def _plan(ticket: Ticket, prediction) -> _Plan:
    place = _place(ticket)
    decision = None
    chosen_item = ticket.catalogue_item if ticket.catalogue_item_id else None
    if prediction is not None or chosen_item is not None or ticket.category_code:
        probabilities, confident = _category_belief(ticket, prediction)
        decision = routing_decision(
            text=ticket.content,
            category_probabilities=probabilities,
            classifier_confident=confident,
            district=place.get("district") or ticket.district,
            street=place.get("street") or ticket.street,
            site_named=place["site"],
            chosen_item=chosen_item,
        )
    community = place.get("community") or ticket.community
    duplicates = []
    if community is not None:
        duplicates = [
            {"number": t.number, "id": t.pk, "similarity": s}
            for t, s in duplicate_candidates(content=ticket.content, community=community, exclude_pk=ticket.pk)
        ]
    return _Plan(ticket, prediction, place, decision, community, duplicates)


def _write(plan: _Plan, *, held: bool = False, sketches: list | None = None) -> Ticket:
    """The routing transaction of one planned ticket (a savepoint inside a batch's transaction, where the
    batch holds the row lock: `held`, and writes the sketch and hint-key rows of all its tickets at its end: they are
    added to `sketches` once this ticket is written)."""
    staged = []
    prediction, place, decision, assignment = plan.prediction, plan.place, plan.decision, plan.assignment
    now = timezone.now()
    target = S.DISPATCHED if assignment is not None else S.PENDING_DISPATCH
    data = {
        "auto": assignment is not None,
        "place_candidates": place.get("candidates", []),
        "duplicates": plan.duplicates,
    }
    if place.get("place_names"):
        # The 地名库 entries that placed the ticket where the divisions alone did not ("农业路", "经三路").
        data["place_names"] = place["place_names"]
    if decision is not None:
        data.update(decision.as_event_data())
    reason = plan.failure or (decision.reason if decision is not None else NO_MODEL)
    placed_by_names = place.get("place_names") and place.get("district") is not None and plan.ticket.district_id is None
    if placed_by_names and not plan.failure:
        reason += f"（属地据地名库“{'、'.join(place['place_names'])}”定为{place['district'].name}）"
    if plan.failure:
        data.update(routing_failed=True, error=plan.error)

    def mutate(t: Ticket, actor) -> list[str]:
        fields = ["routed_at", "ai_routing"]
        t.routed_at = now
        t.ai_routing = {"reason": reason, "items": decision.suggestions if decision is not None else []}
        for key in ("district", "street", "community", "grid"):
            if place.get(key) is not None and getattr(t, f"{key}_id") is None:
                setattr(t, key, place[key])
                fields.append(key)
        if place.get("community") is not None:
            t.address_certain = True
            fields.append("address_certain")
        if prediction is not None:
            t.ai_category = prediction.top.code
            t.ai_probability = float(prediction.top.probability)
            t.ai_model_version = prediction.model_version
            t.ai_top3 = [
                {"code": c.code, "probability": round(float(c.probability), 4)} for c in prediction.categories[:3]
            ]
            t.ai_terms = list(prediction.terms)[:10]
            fields += ["ai_category", "ai_probability", "ai_model_version", "ai_top3", "ai_terms"]
            data.update({"category": t.ai_category, "probability": round(t.ai_probability, 4)})
            data["model_version"] = t.ai_model_version
        if assignment is not None:
            t.category_code = decision.category_code
            t.catalogue_item = decision.item
            fields.append("catalogue_item")
            t.dispatch_source = Ticket.DispatchSource.FALLBACK if assignment.is_fallback else Ticket.DispatchSource.AI
            fields += ["category_code", "dispatch_source"] + assign_lead(t, assignment.lead, now)
            data.update({"department": assignment.lead.pk, "assists": [d.pk for d in assignment.assists]})
        return fields

    def then(t: Ticket, actor) -> None:
        # In the move's own transaction: the ticket, its event and these rows commit together or not at all.
        if assignment is not None:
            assists_add(t, list(assignment.assists), source=TicketAssist.Source.CATALOGUE, by=None)
            notify_dispatched(t, list(assignment.assists))
        if plan.community is not None:
            staged.extend(index_rows(t, plan.community.pk))
            if sketches is None:
                index_rows_write(staged)
        if plan.duplicates:
            notify(
                kind=Notification.Kind.DUPLICATE,
                ticket=t,
                user_id=t.created_by_id,
                message=f"工单 {t.number} 与 {plan.duplicates[0]['number']} 疑似重复，可并单",
            )

    try:
        routed = ticket_transition(
            ticket=plan.ticket if held else plan.ticket.pk,
            by=None,
            action="route",
            to_status=target,
            reason=reason,
            mutate=mutate,
            data=data,
            then=then,
            held=held,
        )
    except ConflictError:
        # Someone else routed (or closed) it between our read and our lock: nothing to do.
        return Ticket.objects.get(pk=plan.ticket.pk)
    if sketches is not None:
        sketches.extend(staged)
    return routed


# The rows routing reads with each ticket (its place and chosen item, when intake set them; what
# ticket_transition reads with the locked row).
_ROUTING_RELATED = ("district", "street", "community", "grid", "lead_department", "catalogue_item")


def ticket_route(*, ticket_id: int) -> Ticket | None:
    """Route a filed ticket once. Safe to run twice or after a crash: the work is one transaction, and a
    ticket that is no longer `received` (routed, closed at intake, merged) is returned unchanged.

    The classifier's categories and the text choose the matter item; the item and the place choose the
    unit (governance.selectors.routing). When the item is certain and the place it needs is known, the
    ticket is dispatched to the item's lead unit (and 协办 units) and the grid's worker is notified;
    otherwise, or with no active model, it waits in the human dispatch queue with the top categories and
    the top items (with their units and words) stored on it. The `routed` event's reason says why."""
    ticket = Ticket.objects.select_related(*_ROUTING_RELATED).filter(pk=ticket_id).first()
    if ticket is None or ticket.status != S.RECEIVED:
        return ticket
    # Slow, read-only work outside the lock: the model and the address resolver.
    (prediction,) = _classify_many([ticket.content])
    return _write(_plan(ticket, prediction))


def ticket_hold_failed(*, ticket_id: int, error: str = "") -> Ticket | None:
    """Put a `received` ticket whose routing keeps failing in the human dispatch queue, untouched but for
    the routing fields, with the reason ROUTING_FAILED (and the error's class in the event), so that a
    person dispatches it and no sweep retries it for ever."""
    ticket = Ticket.objects.select_related(*_ROUTING_RELATED).filter(pk=ticket_id).first()
    if ticket is None or ticket.status != S.RECEIVED:
        return ticket
    return _write(_Plan(ticket, None, {"candidates": []}, None, None, [], failure=ROUTING_FAILED, error=error))


def tickets_route(*, tickets: list[Ticket]) -> dict[int, Ticket]:
    """`ticket_route` for many `received` tickets the caller read with `_ROUTING_RELATED` and locked
    (select_for_update) in the transaction it is in: one classifier call for all texts, then each ticket
    in its own savepoint, so one that fails (logged, left `received` for the reconciler) does not undo
    the others. A database error ends the batch (the connection is unusable) and the caller's
    transaction rolls back. Returns {id: routed ticket}."""
    routed, sketches = {}, []
    with notifications_deferred():  # the batch's notifications in one INSERT at its end
        for ticket, prediction in zip(tickets, _classify_many([t.content for t in tickets]), strict=True):
            try:
                with notifications_deferred():  # this ticket's, dropped if it fails
                    routed[ticket.pk] = _write(_plan(ticket, prediction), held=True, sketches=sketches)
            except DatabaseError:
                raise
            except Exception:
                logger.exception("routing ticket %s failed; it stays received for the reconciler", ticket.pk)
        index_rows_write(sketches)
    return routed


def ticket_route_with_waiting(*, ticket_id: int, batch: int | None = None) -> int:
    """What the routing task does: route this ticket and, when others are waiting (a storm, a worker back
    from an outage), up to `batch` − 1 of the oldest with it, in one transaction: the tickets are claimed
    with SKIP LOCKED, so two workers never route the same ticket and neither waits for the other. A
    ticket claimed here and routed is skipped at once when its own message arrives (it is no longer
    `received`). Returns how many were routed; 0 when nothing was waiting (the common redelivery)."""
    batch = max(1, settings.DISPATCH_ROUTE_BATCH if batch is None else batch)
    waiting = Ticket.objects.filter(Q(pk=ticket_id) | Q(routed_at__isnull=True), status=S.RECEIVED)
    if not waiting.exists():  # one read, outside any transaction, for the messages of routed tickets
        return 0
    with transaction.atomic():
        claimed = list(
            waiting.select_for_update(skip_locked=True)
            .order_by(Case(When(pk=ticket_id, then=0), default=1), "created_at", "pk")
            .values_list("pk", flat=True)[:batch]
        )
        if not claimed:
            return 0
        tickets = Ticket.objects.select_related(*_ROUTING_RELATED).filter(pk__in=claimed).order_by("created_at", "pk")
        return len(tickets_route(tickets=list(tickets)))


def hint_key_rows(t: Ticket, community_code: str) -> list[TicketHintKey]:
    """The rows filing a ticket under its duplicate-hint keys (dispatch.duplicates.hint_keys)."""
    from classifier.items import item_model

    return [
        TicketHintKey(ticket_id=t.pk, community_id=community_code, key=key, created_at=t.created_at)
        for key in set(hint_keys(t.content, t.address, item_model()))
    ]


def index_rows(t: Ticket, community_code: str) -> list:
    """The rows filing a routed ticket in its community: its duplicate-check sketch bands and its hint keys."""
    sketches = [
        TicketSketch(ticket_id=t.pk, community_id=community_code, band=band, created_at=t.created_at)
        for band in set(sketch_bands(t.content))
    ]
    return sketches + hint_key_rows(t, community_code)


def ticket_hint_keys_write(pairs) -> None:
    """File each (ticket, community code) under the ticket's duplicate-hint keys."""
    TicketHintKey.objects.bulk_create((row for t, code in pairs for row in hint_key_rows(t, code)), batch_size=1000)


def ticket_indexes_rebuild(*, days: int | None = None, chunk: int = 1000) -> int:
    """File the open, placed tickets of the last `days` days (default: the hints' window) under their
    duplicate sketch bands and hint keys anew: after the hint rule's word lists or key scheme change, or
    for tickets that came in without routing (an import). Each chunk's old rows are deleted and the new
    ones written in one transaction, so a hint never sees a ticket half-filed. Returns the tickets filed."""
    from dispatch.duplicates import HINT_DAYS

    since = timezone.now() - datetime.timedelta(days=HINT_DAYS if days is None else days)
    tickets = (
        Ticket.objects.filter(created_at__gte=since, community__isnull=False)
        .exclude(status__in=Ticket.FINAL_STATUSES)
        .only("id", "content", "address", "community_id", "created_at")
        .order_by("pk")
    )
    filed, after = 0, 0
    while part := list(tickets.filter(pk__gt=after)[:chunk]):
        after = part[-1].pk
        ids = [t.pk for t in part]
        rows = [row for t in part for row in index_rows(t, t.community_id)]
        with transaction.atomic():
            TicketSketch.objects.filter(ticket_id__in=ids).delete()
            TicketHintKey.objects.filter(ticket_id__in=ids).delete()
            index_rows_write(rows)
        filed += len(part)
    return filed


def index_rows_write(rows: list) -> None:
    """The duplicate-check sketch rows and hint-key rows of routed tickets, one INSERT per table."""
    for model in (TicketSketch, TicketHintKey):
        model.objects.bulk_create([r for r in rows if isinstance(r, model)], batch_size=2000)


def ticket_sketches_purge(*, now=None) -> int:
    """Delete the duplicate-check sketches and hint keys older than their windows (no query reads them)."""
    from dispatch.duplicates import HINT_DAYS
    from dispatch.selectors.duplicates import DUPLICATE_DAYS

    now = now or timezone.now()
    deleted, _ = TicketSketch.objects.filter(created_at__lt=now - datetime.timedelta(days=DUPLICATE_DAYS)).delete()
    keys, _ = TicketHintKey.objects.filter(created_at__lt=now - datetime.timedelta(days=HINT_DAYS)).delete()
    return deleted + keys

"""Routing (分拨): classify, place the ticket, choose the matter item, dispatch it by the item-level 派单目录
or leave it for a person (governance.selectors.routing decides; this module writes the outcome)."""

import datetime
import logging

from django.db import transaction
from django.utils import timezone

from classifier.services import NoActiveModel, classify
from common.errors import ConflictError
from dispatch.duplicates import hint_keys, sketch_bands
from dispatch.models import Notification, Ticket, TicketAssist, TicketHintKey, TicketSketch
from dispatch.selectors import duplicate_candidates
from dispatch.services.assignment import assign_lead, assists_add, notify_dispatched
from dispatch.services.core import notify, ticket_transition
from governance.selectors import grid_for_address, region_for_address
from governance.selectors.routing import routing_decision

logger = logging.getLogger(__name__)
S = Ticket.Status


# Every category's probability goes to the item chooser (the ticket keeps the top three).
CATEGORY_K = 15
NO_MODEL = "分类模型未启用，请人工分派"


def _classify(text: str):
    """The classifier's prediction, or None when no model is active (the ticket then waits for a person)."""
    try:
        return classify(text, k=CATEGORY_K)
    except NoActiveModel:
        return None


def _place(ticket: Ticket) -> dict:
    """District/street/community/grid for the ticket's address (or its content when no address).

    Only a certain match is filled in; an ambiguous one is kept as candidates in the routing event."""
    found: dict = {"candidates": []}
    text = ticket.address or ticket.content[:200]
    if ticket.community_id is None:
        match = region_for_address(text)
        found["score"] = round(float(match.score), 3)
        found["candidates"] = [
            {"community": c.community.code if c.community else None, "score": round(float(c.score), 3)}
            for c in match.candidates[:3]
        ]
        if match.certain:
            found.update(district=match.district, street=match.street, community=match.community)
        elif match.district is not None and ticket.district_id is None:
            # The district alone can be certain when the community is not (e.g. same name in two streets).
            districts = {c.district.code for c in match.candidates if c.district is not None}
            if len(districts) <= 1:
                found["district"] = match.district
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


def ticket_route(*, ticket_id: int) -> Ticket | None:
    """Route a filed ticket once. Safe to run twice or after a crash: the work is one transaction, and a
    ticket that is no longer `received` (routed, closed at intake, merged) is returned unchanged.

    The classifier's categories and the text choose the matter item; the item and the place choose the
    unit (governance.selectors.routing). When the item is certain and the place it needs is known, the
    ticket is dispatched to the item's lead unit (and 协办 units) and the grid's worker is notified;
    otherwise, or with no active model, it waits in the human dispatch queue with the top categories and
    the top items (with their units and words) stored on it. The `routed` event's reason says why."""
    ticket = Ticket.objects.filter(pk=ticket_id).first()
    if ticket is None or ticket.status != S.RECEIVED:
        return ticket
    # Slow, read-only work outside the lock: the model and the address resolver.
    prediction = _classify(ticket.content)
    place = _place(ticket)
    district = place.get("district") or ticket.district
    street = place.get("street") or ticket.street
    decision = None
    chosen_item = ticket.catalogue_item if ticket.catalogue_item_id else None
    if prediction is not None or chosen_item is not None or ticket.category_code:
        probabilities, confident = _category_belief(ticket, prediction)
        decision = routing_decision(
            text=ticket.content,
            category_probabilities=probabilities,
            classifier_confident=confident,
            district=district,
            street=street,
            chosen_item=chosen_item,
        )
    assignment = decision.assignment if decision is not None and decision.auto else None
    duplicates = []
    community = place.get("community") or ticket.community
    if community is not None:
        duplicates = [
            {"number": t.number, "id": t.pk, "similarity": s}
            for t, s in duplicate_candidates(content=ticket.content, community=community, exclude_pk=ticket.pk)
        ]

    now = timezone.now()
    target = S.DISPATCHED if assignment is not None else S.PENDING_DISPATCH
    data = {
        "auto": assignment is not None,
        "place_candidates": place.get("candidates", []),
        "duplicates": duplicates,
    }
    if decision is not None:
        data.update(decision.as_event_data())
    reason = decision.reason if decision is not None else NO_MODEL

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

    try:
        with transaction.atomic():
            t = ticket_transition(
                ticket=ticket_id, by=None, action="route", to_status=target, reason=reason, mutate=mutate, data=data
            )
            if assignment is not None:
                assists_add(t, list(assignment.assists), source=TicketAssist.Source.CATALOGUE, by=None)
                notify_dispatched(t, list(assignment.assists))
            if community is not None:
                TicketSketch.objects.bulk_create(
                    TicketSketch(ticket_id=t.pk, community=community, band=band, created_at=t.created_at)
                    for band in set(sketch_bands(t.content))
                )
                ticket_hint_keys_write([(t, community.pk)])
            if duplicates:
                notify(
                    kind=Notification.Kind.DUPLICATE,
                    ticket=t,
                    user=t.created_by,
                    message=f"工单 {t.number} 与 {duplicates[0]['number']} 疑似重复，可并单",
                )
    except ConflictError:
        # Someone else routed (or closed) it between our read and our lock: nothing to do.
        return Ticket.objects.get(pk=ticket_id)
    return t


def ticket_hint_keys_write(pairs) -> None:
    """File each (ticket, community code) under the ticket's duplicate-hint keys (dispatch.duplicates.hint_keys)."""
    TicketHintKey.objects.bulk_create(
        (
            TicketHintKey(ticket_id=t.pk, community_id=code, key=key, created_at=t.created_at)
            for t, code in pairs
            for key in set(hint_keys(t.content, t.address))
        ),
        batch_size=1000,
    )


def ticket_sketches_purge(*, now=None) -> int:
    """Delete the duplicate-check sketches and hint keys older than their windows (no query reads them)."""
    from dispatch.duplicates import HINT_DAYS
    from dispatch.selectors.duplicates import DUPLICATE_DAYS

    now = now or timezone.now()
    deleted, _ = TicketSketch.objects.filter(created_at__lt=now - datetime.timedelta(days=DUPLICATE_DAYS)).delete()
    keys, _ = TicketHintKey.objects.filter(created_at__lt=now - datetime.timedelta(days=HINT_DAYS)).delete()
    return deleted + keys

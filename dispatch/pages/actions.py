"""The ticket page's actions: for each move, its button label, its form and the dispatch service it calls.

Which buttons show is decided by dispatch.selectors.allowed_actions (the same transition table the
services enforce); this module only maps a move name to a form and to its service call.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms as djforms

from common.errors import ApplicationError
from dispatch import selectors, services
from dispatch.pages import forms


@dataclass(frozen=True)
class Action:
    label: str
    form: type[djforms.Form] | None
    perform: Callable  # (ticket, by, data) -> Ticket
    style: str = ""  # button style: "", "secondary", "warn", "danger", "ok"
    needs_categories: bool = False
    needs_ticket: bool = False  # the form offers departments near the ticket
    multipart: bool = False


def _dispatch(t, by, d):
    return services.ticket_dispatch(
        ticket=t,
        by=by,
        department=d["department"],
        category_code=d.get("category_code") or "",
        reason=d.get("reason", ""),
    )


def _redispatch(t, by, d):
    return services.ticket_redispatch(
        ticket=t,
        by=by,
        department=d["department"],
        category_code=d.get("category_code") or "",
        reason=d.get("reason", ""),
    )


def _visible_ticket(user, number: str):
    """The ticket with this number, if the user may see it (else a field error, not a hint it exists)."""
    found = selectors.ticket_list_for_user(user).filter(number=number).first()
    if found is None:
        raise ApplicationError("找不到该工单", code="not_found", extra={"field": "target"})
    return found


ACTIONS: dict[str, Action] = {
    "sign": Action("签收", None, lambda t, by, d: services.ticket_sign(ticket=t, by=by), "ok"),
    "reply": Action(
        "答复",
        forms.ReplyForm,
        lambda t, by, d: services.ticket_reply(
            ticket=t,
            by=by,
            text=d["text"],
            photo=d.get("photo"),
            before_photos=d.get("before_photos") or [],
            after_photos=d.get("after_photos") or [],
        ),
        multipart=True,
    ),
    "return": Action(
        "退单", forms.ReasonForm, lambda t, by, d: services.ticket_return(ticket=t, by=by, reason=d["reason"]), "warn"
    ),
    "extension_request": Action(
        "申请延期",
        forms.ExtensionForm,
        lambda t, by, d: services.ticket_extension_request(ticket=t, by=by, days=d["days"], reason=d["reason"]),
        "secondary",
    ),
    "whistle": Action(
        "吹哨报到",
        forms.WhistleForm,
        lambda t, by, d: services.ticket_whistle(
            ticket=t, by=by, departments=list(d["departments"]), reason=d["reason"]
        ),
        "secondary",
        needs_ticket=True,
    ),
    "dispatch": Action("人工派单", forms.DispatchForm, _dispatch, needs_categories=True, needs_ticket=True),
    "return_review": Action(
        "派单异议审核",
        forms.ReturnReviewForm,
        lambda t, by, d: services.ticket_return_review(
            ticket=t,
            by=by,
            approve=d["approve"],
            reason=d.get("reason", ""),
            department=d.get("department") if d["approve"] else None,
            category_code=d.get("category_code") or None,
        ),
        needs_categories=True,
        needs_ticket=True,
    ),
    "redispatch": Action("改派", forms.DispatchForm, _redispatch, "warn", needs_categories=True, needs_ticket=True),
    "extension_approve": Action(
        "延期审批",
        forms.DecisionForm,
        lambda t, by, d: services.ticket_extension_approve(
            ticket=t, by=by, approve=d["approve"], reason=d.get("reason", "")
        ),
    ),
    "reply_review": Action(
        "审核答复",
        forms.DecisionForm,
        lambda t, by, d: services.ticket_reply_review(
            ticket=t, by=by, approve=d["approve"], reason=d.get("reason", "")
        ),
    ),
    "callback": Action(
        "回访",
        forms.CallbackForm,
        lambda t, by, d: services.ticket_callback(
            ticket=t, by=by, satisfaction=d["satisfaction"], note=d.get("reason", "")
        ),
    ),
    "close": Action(
        "办结",
        forms.ReasonForm,
        lambda t, by, d: services.ticket_close(ticket=t, by=by, reason=d["reason"]),
    ),
    "reopen": Action(
        "重办", forms.ReasonForm, lambda t, by, d: services.ticket_reopen(ticket=t, by=by, reason=d["reason"]), "warn"
    ),
    "urge": Action(
        "催办/督办",
        forms.UrgeForm,
        lambda t, by, d: services.ticket_urge(ticket=t, by=by, reason=d["reason"], supervise=d.get("supervise", False)),
        "secondary",
    ),
    "merge": Action(
        "并单",
        forms.MergeForm,
        lambda t, by, d: services.ticket_merge(ticket=t, into=_visible_ticket(by, d["target"]), by=by),
        "secondary",
    ),
    "close_at_intake": Action(
        "即办办结",
        forms.ReasonForm,
        lambda t, by, d: services.ticket_close_at_intake(ticket=t, by=by, answer=d["reason"]),
    ),
}


def _make_form(action: Action, *, categories, ticket=None, data=None, files=None, prefix: str):
    if action.form is None:
        return None
    kwargs = {"prefix": prefix}
    if action.needs_ticket:
        kwargs["ticket"] = ticket
    if action.needs_categories:
        kwargs["categories"] = categories
    if data is not None:
        return action.form(data, files, **kwargs)
    return action.form(**kwargs)


def forms_for(*, ticket, allowed: list[str], categories) -> dict:
    """An unbound form (or None for a plain button) for each allowed move the pages know."""
    return {
        name: _make_form(ACTIONS[name], categories=categories, ticket=ticket, prefix=name)
        for name in allowed
        if name in ACTIONS
    }


def bound_form(name: str, request, *, ticket, categories):
    return _make_form(
        ACTIONS[name], categories=categories, ticket=ticket, data=request.POST, files=request.FILES, prefix=name
    )


def perform(name: str, *, ticket, by, data: dict):
    return ACTIONS[name].perform(ticket, by, data)

"""The two-stage routing decision: the classifier's first-level category and the text choose the matter
item (事项); the item and the place choose the unit. A read: routing calls it and writes the outcome.

What callers may rely on:
- `auto` is True only when the item is certain (see governance.selectors.catalogue), the category is
  trusted, *and* the place the item needs is known. The category is trusted when the classifier is
  confident (its per-category threshold); or when the item belongs to a first-level category the
  classifier was never trained on (it cannot be confident there; the item's words alone decide); or when
  the item's words corroborate a classifier below its threshold. They corroborate when they lie in its
  top category with strong words (≥ STRONG_WORDS), or with a single word when that category is near
  its threshold (≥ NEAR_CONFIDENT); when they lie in a category it still gives ≥ SUPPORT_PROBABILITY
  (its second opinion, "学校食堂饭菜差" → 商贸旅游 0.73, 教育文体 0.24) with more than strong words; or
  when they are so many that they decide alone (≥ WORDS_DECIDE: two matter words of one item,
  "燃气泄漏、煤气味"). A utility's item (供暖, 燃气, 供水, 供电, 公交, 地铁, 电信) with strong words
  needs no category: the enterprise is its unit whatever the category, and its words ("煤气味",
  "暖气片") name nothing else. The thresholds were made for the category alone, on operators' short summaries
  (0.97 for ≤ 40 characters); callers' own words are longer and more colloquial, the classifier is
  rarely that sure of them, and two independent signals agreeing is stronger evidence than either
  (measured on bench/routing.py's sets). The place the item needs: a territorial item needs the
  street, a district-level one the district, a district-level one at a spot (a lamp, a lift, a stall) the
  district and the spot (the street, or an address naming a place in the district: `site_named`); an
  item of a city body or a utility needs none;
- routing's second reader, the item model (classifier.items), then looks at the words' decision: it holds
  an automatic dispatch whose unit it reads clearly otherwise (unless the words decide alone, ≥
  WORDS_DECIDE: of the 124 dispatches it held on bench/routing.py's twenty sets, 30 of the 31 with such
  words were right, 65 of the 93 others), and dispatches a call the words could not
  decide when it is clear and the place its item needs is known (`_second_reader`) — but not a call whose
  words named an item of another unit and waited only for an unsure classifier (on the twenty-two sets
  such rescues were right 10 times and wrong 7); an operator's chosen item is never second-guessed;
- `reason` always says, in words a dispatcher reads, why the call was or was not dispatched automatically;
- `suggestions` are the top items, each with the unit it would go to at this place (None when the place
  is missing) and the words that drove it; they are what the operator and the dispatcher see.
"""

import math
from dataclasses import dataclass, field, replace

from django.conf import settings

from governance.caching import memo
from governance.models import CatalogueItem, Region
from governance.selectors.catalogue import (
    MIN_WORDS,
    REASON_CLOSE,
    STRONG_WORDS,
    ItemChoice,
    ItemScore,
    catalogue_index,
    category_supports,
    item_choose,
)
from governance.selectors.items import ItemAssignment, department_for_item
from governance.services.departments import DEPARTMENT_TYPE_LABELS

KIND_WORDS = {"territorial": "属地", "functional": "条线", "utility": "企业"}
REASON_UNSURE = "分类置信度低于阈值（{c} {p}），事项“{a}”待人工确认"
REASON_CORROBORATED = "分类置信度低于阈值（{c} {p}），事项识别词印证"
REASON_UNSURE_PREFIX = REASON_UNSURE.split("（")[0]
WORDS_DECIDE = 5
NEAR_CONFIDENT = 0.75


def _percent(p: float) -> str:
    """A probability as a dispatcher reads it beside "低于阈值": whole percents, and one decimal, rounded
    down, above 99.5 % (a short text's threshold lies there: "99.6%", never a "100%" below a threshold)."""
    return f"{p:.0%}" if p < 0.995 else f"{math.floor(p * 1000) / 10:.1f}%"


def _words_corroborate(best, item: CatalogueItem, probabilities: dict[str, float]) -> bool:
    """Whether the chosen item's words make up for a classifier below its threshold (module docstring)."""
    if best.word_score >= WORDS_DECIDE:
        return True
    if item.kind == CatalogueItem.Kind.UTILITY and best.word_score >= STRONG_WORDS:
        return True
    top = max(probabilities, key=probabilities.get)
    if best.level1 == top:
        return best.word_score >= (MIN_WORDS if probabilities[top] >= NEAR_CONFIDENT else STRONG_WORDS)
    return category_supports(probabilities, best.level1) and best.word_score > STRONG_WORDS


def _word_tie(choice: ItemChoice) -> ItemScore | None:
    """An item of another unit with as many strong words as the chosen one: then only the classifier's
    belief put the chosen one first, which is not to be trusted below its threshold ("消防栓…没有水带":
    消防栓 and 没有水 are three characters each; the classifier's 城乡建设 made it 供水). Between two
    single two-character words the classifier still decides (they are often a word inside another,
    "有人大声" for 地铁上有人大声外放)."""
    best = choice.best
    return next(
        (
            s
            for s in choice.top[1:]
            if s.lead_department_type != best.lead_department_type
            and s.word_score >= max(best.word_score, STRONG_WORDS)
        ),
        None,
    )


@dataclass(frozen=True)
class RoutingDecision:
    auto: bool
    reason: str
    choice: ItemChoice
    item: CatalogueItem | None = None
    assignment: ItemAssignment | None = None
    suggestions: list[dict] = field(default_factory=list)

    @property
    def category_code(self) -> str | None:
        """The first-level category the item belongs to (it may differ from the classifier's top one:
        the item's words can name one of the categories the classifier was never trained on)."""
        return self.item.level1 if self.item is not None else None

    def as_event_data(self) -> dict:
        data = {"auto": self.auto, "reason": self.reason, "item_suggestions": self.suggestions}
        if self.item is not None:
            kind = self.assignment.kind if self.assignment is not None else self.item.kind
            data.update(item=self.item.pk, item_path=self.item.path, item_kind=kind)
        if self.assignment is not None and self.assignment.lead is not None:
            data.update(unit=self.assignment.lead.pk, unit_name=self.assignment.lead.name)
        return data


def _suggestion(score, item: CatalogueItem | None, assignment: ItemAssignment | None) -> dict:
    out = score.as_dict()
    if item is not None:
        out["kind"] = assignment.kind if assignment is not None else item.kind
    lead = assignment.lead if assignment is not None else None
    out["unit"] = lead.pk if lead is not None else None
    out["unit_name"] = lead.name if lead is not None else (assignment.reason if assignment else "")
    return out


REASON_CHOSEN = "接线员选定事项“{a}”，{k}事项 → {u}"


def _with_chosen(choice: ItemChoice, item: CatalogueItem) -> ItemChoice:
    """The operator's item first and certain; the chooser's other items stay as suggestions."""
    chosen = ItemScore(item.pk, item.path, item.name, item.level1, item.lead_department_type, 0.0, 0, ())
    others = [s for s in choice.top if s.item_id != item.pk]
    return ItemChoice(top=[chosen, *others][:3], certain=True, reason="")


def routing_decision(
    *,
    text: str,
    category_probabilities: dict[str, float] | None,
    classifier_confident: bool = True,
    district: Region | None,
    street: Region | None = None,
    site_named: bool = False,
    chosen_item: CatalogueItem | None = None,
) -> RoutingDecision:
    """Decide who gets a call (see the module docstring). `category_probabilities` are the classifier's
    (None when no model is active) and `classifier_confident` whether its top one reached its threshold;
    `district`/`street` are the ticket's resolved place, or None; `site_named` whether its address names a
    spot inside the district (governance.selectors.names_site). `chosen_item` is the item the operator
    picked at intake: a person's decision, so it is the item (the words only make the other suggestions)
    and only the place it needs can still hold the call."""
    place = _Place(district, street, site_named)
    decision = _words_decision(
        text=text,
        category_probabilities=category_probabilities,
        classifier_confident=classifier_confident,
        place=place,
        chosen_item=chosen_item,
    )
    if chosen_item is not None:
        return decision
    return _second_reader(decision, text=text, place=place)


@dataclass(frozen=True)
class _Place:
    """The ticket's resolved place, as department_for_item reads it."""

    district: Region | None
    street: Region | None
    site_named: bool

    def assignment(self, item: CatalogueItem) -> ItemAssignment:
        return department_for_item(item=item, district=self.district, street=self.street, site_named=self.site_named)


REASON_MODEL_DISAGREES = "事项识别词指向“{a}”（{u}），事项模型判断为“{m}”（{mu}），请人工判断"
REASON_MODEL_DECIDES = "识别词未能确定事项（{why}）；事项模型判断“{m}”，{k}事项 → {u}"
# What a held decision may be rescued from: the words were unsure, not the place.
RESCUABLE = ("事项不明确", "无法确定事项", "事项“", REASON_UNSURE_PREFIX)


def _second_reader(decision: RoutingDecision, *, text: str, place: "_Place") -> RoutingDecision:
    """The item model's opinion (classifier.items) over the words' decision: an automatic dispatch whose
    unit the model reads clearly otherwise (by ≥ ROUTING_ITEM_MODEL_VETO_GAP) waits for a person, unless its
    words decide alone (≥ WORDS_DECIDE); a call
    the words could not decide (close rivals, no item word, weak words, a classifier below its threshold,
    never a missing place) is dispatched to the model's item when the model is clear (≥
    ROUTING_ITEM_MODEL_RESCUE_GAP) and the place that item needs is known. Measured on bench/routing.py."""
    if not settings.ROUTING_ITEM_MODEL:
        return decision
    from classifier.items import item_opinion

    opinion = item_opinion(text)
    if opinion is None:
        return decision
    if decision.auto:
        lead = decision.assignment.lead
        if lead.dept_type == opinion.unit_type or opinion.gap < settings.ROUTING_ITEM_MODEL_VETO_GAP:
            return decision
        if decision.choice.best is not None and decision.choice.best.word_score >= WORDS_DECIDE:
            return decision  # words that decide alone are not second-guessed either
        model_item = _item_by_path(opinion.item_path)
        if model_item is not None and _lead_type_at(model_item, place) == lead.dept_type:
            return decision  # the model's item is led by the same unit here (a township's, say)
        reason = REASON_MODEL_DISAGREES.format(
            a=decision.item.name,
            u=lead.name,
            m=model_item.name if model_item else opinion.item_path,
            mu=DEPARTMENT_TYPE_LABELS.get(opinion.unit_type, opinion.unit_type),
        )
        return replace(decision, auto=False, reason=reason)
    if not decision.reason.startswith(RESCUABLE) or opinion.gap < settings.ROUTING_ITEM_MODEL_RESCUE_GAP:
        return decision
    item = _item_by_path(opinion.item_path)
    if item is None:
        return decision
    assignment = place.assignment(item)
    if assignment.lead is None:
        return decision
    if (
        decision.reason.startswith(REASON_UNSURE_PREFIX)
        and decision.item is not None
        and _lead_type_at(decision.item, place) != assignment.lead.dept_type
    ):
        return decision  # the words named an item of another unit: the model does not overrule them
    reason = REASON_MODEL_DECIDES.format(
        why=decision.reason.split("，")[0].split("：")[0],
        m=item.name,
        k=KIND_WORDS[assignment.kind],
        u=assignment.lead.name,
    )
    if assignment.is_fallback:
        reason += "（牵头单位缺失，由兜底单位承办）"
    return replace(decision, auto=True, reason=reason, item=item, assignment=assignment)


def _lead_type_at(item: CatalogueItem, place: "_Place") -> str:
    lead = place.assignment(item).lead
    return lead.dept_type if lead is not None else item.lead_department_type


def _item_by_path(path: str) -> CatalogueItem | None:
    """The active item of a path (the item model names items by path), from the catalogue's index."""
    pk = next((i.pk for i in catalogue_index() if i.path == path), None)
    return _catalogue_items().get(pk)


def _catalogue_items() -> dict[int, CatalogueItem]:
    return memo(("catalogue-items",), CatalogueItem.objects.in_bulk)  # every item, a few hundred rows


def _words_decision(
    *,
    text: str,
    category_probabilities: dict[str, float] | None,
    classifier_confident: bool,
    place: "_Place",
    chosen_item: CatalogueItem | None,
) -> RoutingDecision:
    """The decision of the catalogue's words and the classifier's category alone."""
    choice = item_choose(text=text, category_probabilities=category_probabilities)
    if chosen_item is not None:
        choice = _with_chosen(choice, chosen_item)
    ids = tuple(s.item_id for s in choice.top)
    catalogue = _catalogue_items()
    items = {pk: catalogue[pk] for pk in ids if pk in catalogue}
    assignments = {s.item_id: place.assignment(items[s.item_id]) for s in choice.top if s.item_id in items}
    suggestions = [_suggestion(s, items.get(s.item_id), assignments.get(s.item_id)) for s in choice.top]
    if choice.best is None:
        return RoutingDecision(auto=False, reason=choice.reason, choice=choice, suggestions=suggestions)
    item, assignment = items.get(choice.best.item_id), assignments.get(choice.best.item_id)
    if item is None:  # deleted between the index and now
        return RoutingDecision(auto=False, reason="派单目录已变更，请人工判断", choice=choice, suggestions=suggestions)
    if not choice.certain:
        return RoutingDecision(
            auto=False, reason=choice.reason, choice=choice, item=item, assignment=assignment, suggestions=suggestions
        )
    if assignment.lead is None:
        return RoutingDecision(
            auto=False,
            reason=assignment.reason,
            choice=choice,
            item=item,
            assignment=assignment,
            suggestions=suggestions,
        )
    if chosen_item is not None:
        reason = REASON_CHOSEN.format(a=item.name, k=KIND_WORDS[assignment.kind], u=assignment.lead.name)
        return RoutingDecision(
            auto=True, reason=reason, choice=choice, item=item, assignment=assignment, suggestions=suggestions
        )
    trained = category_probabilities or {}
    corroborated = ""
    tie = _word_tie(choice)
    if not classifier_confident and tie is not None:
        reason = REASON_CLOSE.format(a=item.name, b=tie.name)
        return RoutingDecision(
            auto=False, reason=reason, choice=choice, item=item, assignment=assignment, suggestions=suggestions
        )
    if not classifier_confident and item.level1 in trained:
        top = max(trained, key=trained.get)
        if not _words_corroborate(choice.best, item, trained):
            reason = REASON_UNSURE.format(c=top, p=_percent(trained[top]), a=item.name)
            return RoutingDecision(
                auto=False, reason=reason, choice=choice, item=item, assignment=assignment, suggestions=suggestions
            )
        corroborated = "；" + REASON_CORROBORATED.format(c=top, p=_percent(trained[top]))
    words = "、".join(choice.best.words)
    reason = f"事项“{item.name}”（识别词：{words}），{KIND_WORDS[assignment.kind]}事项 → {assignment.lead.name}"
    reason += corroborated
    if assignment.is_fallback:
        reason += "（牵头单位缺失，由兜底单位承办）"
    return RoutingDecision(
        auto=True, reason=reason, choice=choice, item=item, assignment=assignment, suggestions=suggestions
    )

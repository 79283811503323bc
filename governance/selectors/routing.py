"""The two-stage routing decision: the classifier's first-level category and the text choose the matter
item (事项); the item and the place choose the unit. A read: routing calls it and writes the outcome.

What callers may rely on:
- `auto` is True only when the item is certain (see governance.selectors.catalogue), the category is
  trusted, *and* the place the item needs is known. The category is trusted when the classifier is
  confident (its per-category threshold); or when the item belongs to a first-level category the
  classifier was never trained on (it cannot be confident there; the item's words alone decide); or when
  the item's words corroborate a classifier below its threshold: they lie in its top category
  (≥ AGREE_PROBABILITY) with strong words (≥ STRONG_WORDS), or they are so many that they decide alone
  (≥ WORDS_DECIDE: two matter words of one item, "燃气泄漏、煤气味"). The thresholds were made for the
  category alone, on operators' short summaries (0.97 for ≤ 40 characters); most calls are that short,
  and two independent signals agreeing is stronger evidence than either. The place the item needs: a territorial item needs the street, a district-level one the district; an item of
  a city body or a utility needs none;
- `reason` always says, in words a dispatcher reads, why the call was or was not dispatched automatically;
- `suggestions` are the top items, each with the unit it would go to at this place (None when the place
  is missing) and the words that drove it; they are what the operator and the dispatcher see.
"""

from dataclasses import dataclass, field

from governance.caching import memo
from governance.models import CatalogueItem, Region
from governance.selectors.catalogue import STRONG_WORDS, ItemChoice, ItemScore, item_choose
from governance.selectors.items import ItemAssignment, department_for_item

KIND_WORDS = {"territorial": "属地", "functional": "条线", "utility": "企业"}
REASON_UNSURE = "分类置信度低于阈值（{c} {p:.0%}），事项“{a}”待人工确认"
REASON_CORROBORATED = "分类置信度低于阈值（{c} {p:.0%}），事项识别词印证"
AGREE_PROBABILITY = 0.5
WORDS_DECIDE = 5


def _words_corroborate(best, probabilities: dict[str, float]) -> bool:
    """Whether the chosen item's words make up for a classifier below its threshold (module docstring)."""
    if best.word_score >= WORDS_DECIDE:
        return True
    top = max(probabilities, key=probabilities.get)
    return best.level1 == top and probabilities[top] >= AGREE_PROBABILITY and best.word_score >= STRONG_WORDS


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
            data.update(item=self.item.pk, item_path=self.item.path, item_kind=self.item.kind)
        if self.assignment is not None and self.assignment.lead is not None:
            data.update(unit=self.assignment.lead.pk, unit_name=self.assignment.lead.name)
        return data


def _suggestion(score, item: CatalogueItem | None, assignment: ItemAssignment | None) -> dict:
    out = score.as_dict()
    if item is not None:
        out["kind"] = item.kind
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
    chosen_item: CatalogueItem | None = None,
) -> RoutingDecision:
    """Decide who gets a call (see the module docstring). `category_probabilities` are the classifier's
    (None when no model is active) and `classifier_confident` whether its top one reached its threshold;
    `district`/`street` are the ticket's resolved place, or None. `chosen_item` is the item the operator
    picked at intake: a person's decision, so it is the item (the words only make the other suggestions)
    and only the place it needs can still hold the call."""
    choice = item_choose(text=text, category_probabilities=category_probabilities)
    if chosen_item is not None:
        choice = _with_chosen(choice, chosen_item)
    ids = tuple(s.item_id for s in choice.top)
    catalogue = memo(("catalogue-items",), CatalogueItem.objects.in_bulk)  # every item, a few hundred rows
    items = {pk: catalogue[pk] for pk in ids if pk in catalogue}
    assignments = {
        s.item_id: department_for_item(item=items[s.item_id], district=district, street=street)
        for s in choice.top
        if s.item_id in items
    }
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
        reason = REASON_CHOSEN.format(a=item.name, k=KIND_WORDS[item.kind], u=assignment.lead.name)
        return RoutingDecision(
            auto=True, reason=reason, choice=choice, item=item, assignment=assignment, suggestions=suggestions
        )
    trained = category_probabilities or {}
    corroborated = ""
    if not classifier_confident and item.level1 in trained:
        top = max(trained, key=trained.get)
        if not _words_corroborate(choice.best, trained):
            reason = REASON_UNSURE.format(c=top, p=trained[top], a=item.name)
            return RoutingDecision(
                auto=False, reason=reason, choice=choice, item=item, assignment=assignment, suggestions=suggestions
            )
        corroborated = "；" + REASON_CORROBORATED.format(c=top, p=trained[top])
    words = "、".join(choice.best.words)
    reason = f"事项“{item.name}”（识别词：{words}），{KIND_WORDS[item.kind]}事项 → {assignment.lead.name}"
    reason += corroborated
    if assignment.is_fallback:
        reason += "（牵头单位缺失，由兜底单位承办）"
    return RoutingDecision(
        auto=True, reason=reason, choice=choice, item=item, assignment=assignment, suggestions=suggestions
    )

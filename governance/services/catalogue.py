"""The item-level 派单目录 as CSV: load a city's catalogue, write it back out.

The shipped catalogue is fixtures/dispatch_catalogue.csv (how it was made: fixtures/README.md). The CSV
columns are the model's fields with department *types* ("chengguan", "street_office"), so one file serves
every district: the unit is resolved from the type and the ticket's place at routing time.
"""

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from common.errors import ApplicationError
from governance.caching import governance_cache_invalidate
from governance.models import CatalogueItem, Department, split_words
from governance.services.departments import DEPARTMENT_TYPE_LABELS

COLUMNS = [
    "level1",
    "level2",
    "level3",
    "subitem",
    "lead",
    "assists",
    "rural_lead",
    "level",
    "kind",
    "place_needed",
    "time_limit_class",
    "signal_words",
    "is_active",
]
KEY = ("level1", "level2", "level3", "subitem")
# Columns a city's older file may lack (read as empty).
OPTIONAL_COLUMNS = ("rural_lead",)


def shipped_catalogue_path() -> Path:
    return Path(settings.FIXTURES_DIR) / "dispatch_catalogue.csv"


class CatalogueImportError(ApplicationError):
    code = "catalogue_invalid"


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int
    deactivated: int


def known_department_types() -> set[str]:
    return set(DEPARTMENT_TYPE_LABELS) | set(Department.objects.values_list("dept_type", flat=True).distinct())


def _choice(value: str, choices, column: str, line: int) -> str:
    value = value.strip()
    if value not in choices.values:
        raise CatalogueImportError(f"第{line}行 {column}={value!r} 不是 {'/'.join(choices.values)} 之一")
    return value


def _is_active(value: str) -> bool:
    return value.strip().lower() not in ("0", "false", "no", "否", "")


def shipped_catalogue_words() -> list[tuple[str, str, list[str]]]:
    """(first-level category, item name, signal words) of the shipped catalogue's active items (what
    governance.selectors.catalogue.catalogue_words gives while the database holds no catalogue)."""
    with shipped_catalogue_path().open(encoding="utf-8-sig", newline="") as fh:
        return [
            (row["level1"].strip(), (row["subitem"] or row["level3"]).strip(), split_words(row["signal_words"] or ""))
            for row in csv.DictReader(fh)
            if _is_active(row["is_active"] or "")
        ]


def _parse(rows: list[dict], types: set[str]) -> list[CatalogueItem]:
    items, seen = [], set()
    for line, row in enumerate(rows, start=2):
        values = {c: (row.get(c) or "").strip() for c in COLUMNS}
        if not (values["level1"] and values["level2"] and values["level3"]):
            raise CatalogueImportError(f"第{line}行 一级/二级/三级分类不能为空")
        key = tuple(values[c] for c in KEY)
        if key in seen:
            raise CatalogueImportError(f"第{line}行 事项重复：{'/'.join(p for p in key if p)}")
        seen.add(key)
        assists = split_words(values["assists"])
        for dept_type in [values["lead"], *assists, *([values["rural_lead"]] if values["rural_lead"] else [])]:
            if dept_type not in types:
                raise CatalogueImportError(f"第{line}行 单位类型 {dept_type!r} 不存在（先在承办单位中建立）")
        items.append(
            CatalogueItem(
                level1=values["level1"],
                level2=values["level2"],
                level3=values["level3"],
                subitem=values["subitem"],
                lead_department_type=values["lead"],
                assist_department_types=[a for a in assists if a != values["lead"]],
                rural_lead_department_type="" if values["rural_lead"] == values["lead"] else values["rural_lead"],
                level=_choice(values["level"], CatalogueItem.Level, "level", line),
                kind=_choice(values["kind"], CatalogueItem.Kind, "kind", line),
                place_needed=_choice(values["place_needed"], CatalogueItem.PlaceNeeded, "place_needed", line),
                time_limit_class=_choice(
                    values["time_limit_class"], CatalogueItem.TimeLimitClass, "time_limit_class", line
                ),
                signal_words="、".join(split_words(values["signal_words"])),
                is_active=_is_active(values["is_active"]),
            )
        )
    return items


# The item's fields a re-import may change: every column but the key (three have other names in the CSV).
FIELD_OF_COLUMN = {
    "lead": "lead_department_type",
    "assists": "assist_department_types",
    "rural_lead": "rural_lead_department_type",
}
EDITABLE = [FIELD_OF_COLUMN.get(c, c) for c in COLUMNS if c not in KEY]


@transaction.atomic
def catalogue_import(*, text: str, update_existing: bool = True, deactivate_missing: bool = False) -> ImportResult:
    """Load a catalogue CSV (UTF-8, header = COLUMNS; a BOM from Excel is accepted).

    The whole file is checked before anything is written: an unknown department type, a bad level or a
    repeated item raises CatalogueImportError and changes nothing. Items are matched by their path
    (一级/二级/三级/细项); `update_existing=False` only adds missing items (what seeding does, so admin edits
    survive a re-seed); `deactivate_missing=True` switches off items the file no longer lists."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or []) and c not in OPTIONAL_COLUMNS]
    if missing:
        raise CatalogueImportError(f"缺少列：{'、'.join(missing)}")
    items = _parse(list(reader), known_department_types())
    existing = {tuple(getattr(i, c) for c in KEY): i for i in CatalogueItem.objects.all()}
    created, updated, unchanged = [], [], 0
    now = timezone.now()  # bulk writes skip auto_now; the chooser's cache keys on updated_at
    for item in items:
        old = existing.get(tuple(getattr(item, c) for c in KEY))
        if old is None:
            created.append(item)
        elif update_existing and any(getattr(old, f) != getattr(item, f) for f in EDITABLE):
            for f in EDITABLE:
                setattr(old, f, getattr(item, f))
            old.updated_at = now
            updated.append(old)
        else:
            unchanged += 1
    for item in created:
        item.updated_at = now
    CatalogueItem.objects.bulk_create(created, batch_size=1000)
    CatalogueItem.objects.bulk_update(updated, [*EDITABLE, "updated_at"], batch_size=1000)
    deactivated = 0
    if deactivate_missing:
        listed = {tuple(getattr(i, c) for c in KEY) for i in items}
        gone = [i.pk for key, i in existing.items() if key not in listed and i.is_active]
        deactivated = CatalogueItem.objects.filter(pk__in=gone).update(is_active=False, updated_at=now)
    governance_cache_invalidate()
    return ImportResult(created=len(created), updated=len(updated), unchanged=unchanged, deactivated=deactivated)


def catalogue_seed() -> ImportResult:
    """Add the shipped catalogue's missing items; rows already present (maybe edited) are left alone."""
    return catalogue_import(text=shipped_catalogue_path().read_text(encoding="utf-8"), update_existing=False)


def catalogue_export() -> str:
    """The whole catalogue (active and inactive items) as CSV text that `catalogue_import` reads back."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for item in CatalogueItem.objects.order_by("level1", "level2", "level3", "subitem", "pk"):
        writer.writerow(
            {
                "level1": item.level1,
                "level2": item.level2,
                "level3": item.level3,
                "subitem": item.subitem,
                "lead": item.lead_department_type,
                "assists": " ".join(item.assist_department_types or []),
                "rural_lead": item.rural_lead_department_type,
                "level": item.level,
                "kind": item.kind,
                "place_needed": item.place_needed,
                "time_limit_class": item.time_limit_class,
                "signal_words": item.signal_words,
                "is_active": "1" if item.is_active else "0",
            }
        )
    return out.getvalue()

"""The 地名库 as CSV: load a city's roads and landmarks, write them back out.

The shipped seed is fixtures/zhengzhou_place_names.csv (how it was made: fixtures/README.md). Columns:
name, aliases (| separated), kind, districts (| separated district names as in the divisions), street
(a street or township of that district, for a place only; may be empty).
"""

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from common.errors import ApplicationError
from governance.models import PlaceName, Region

COLUMNS = ["name", "aliases", "kind", "districts", "street"]
NAME_LENGTH = PlaceName._meta.get_field("name").max_length
ALIASES_LENGTH = PlaceName._meta.get_field("aliases").max_length


def shipped_place_names_path() -> Path:
    return Path(settings.FIXTURES_DIR) / "zhengzhou_place_names.csv"


class PlaceNamesImportError(ApplicationError):
    code = "place_names_invalid"


@dataclass(frozen=True)
class PlaceNamesResult:
    created: int
    updated: int
    unchanged: int
    deleted: int


@dataclass(frozen=True)
class _Row:
    name: str
    aliases: str
    kind: str
    districts: frozenset[str]
    street: str | None


def _parse(rows: list[dict]) -> list[_Row]:
    districts = {}
    for r in Region.objects.filter(level=Region.Level.DISTRICT):
        districts[r.name] = districts[r.official_name] = r.code
    streets = {
        (r.code[:6], name): r.code
        for r in Region.objects.filter(level=Region.Level.STREET)
        for name in (r.name, r.official_name)
    }
    parsed, seen = [], set()
    for line, row in enumerate(rows, start=2):
        name = (row.get("name") or "").strip()
        if not name:
            raise PlaceNamesImportError(f"第{line}行 name 为空")
        if len(name) > NAME_LENGTH:
            raise PlaceNamesImportError(f"第{line}行 name 超过 {NAME_LENGTH} 字")
        if name in seen:
            raise PlaceNamesImportError(f"第{line}行 {name} 重复")
        seen.add(name)
        kind = (row.get("kind") or "").strip()
        if kind not in PlaceName.Kind.values:
            raise PlaceNamesImportError(f"第{line}行 kind={kind!r} 不是 {'/'.join(PlaceName.Kind.values)} 之一")
        codes = set()
        for d in (row.get("districts") or "").split("|"):
            d = d.strip()
            if d and d not in districts:
                raise PlaceNamesImportError(f"第{line}行 districts 中的 {d!r} 不是区县名称")
            if d:
                codes.add(districts[d])
        if not codes:
            raise PlaceNamesImportError(f"第{line}行 districts 为空")
        if kind != PlaceName.Kind.ROAD and len(codes) > 1:
            raise PlaceNamesImportError(f"第{line}行 {name} 不是道路，只能属于一个区县")
        street_name, street = (row.get("street") or "").strip(), None
        if street_name:
            if kind == PlaceName.Kind.ROAD:
                raise PlaceNamesImportError(f"第{line}行 道路 {name} 不填街道")
            street = streets.get((next(iter(codes))[:6], street_name))
            if street is None:
                raise PlaceNamesImportError(f"第{line}行 street={street_name!r} 不是该区县的街道/乡镇")
        aliases = "|".join(a.strip() for a in (row.get("aliases") or "").split("|") if a.strip())
        if len(aliases) > ALIASES_LENGTH:
            raise PlaceNamesImportError(f"第{line}行 aliases 超过 {ALIASES_LENGTH} 字")
        parsed.append(_Row(name, aliases, kind, frozenset(codes), street))
    return parsed


@transaction.atomic
def place_names_import(*, text: str, update_existing: bool = True, replace: bool = False) -> PlaceNamesResult:
    """Load a 地名库 CSV (UTF-8, header = COLUMNS; a BOM from Excel is accepted).

    The whole file is checked before anything is written: an unknown district or street, a road with a
    street, a place in two districts or a repeated name raises PlaceNamesImportError and changes nothing.
    Entries are matched by name; `update_existing=False` only adds missing names (what seeding does, so
    admin edits survive a re-seed); `replace=True` also deletes the names the file omits."""
    from governance.selectors.address import address_index_invalidate

    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or []) and c != "street"]
    if missing:
        raise PlaceNamesImportError(f"缺少列：{'、'.join(missing)}")
    rows = _parse(list(reader))
    existing = {p.name: p for p in PlaceName.objects.prefetch_related("districts")}
    # Bulk writes (no per-row signals): the index is invalidated once, below.
    new, changed, unchanged = [], [], 0
    for row in rows:
        place = existing.get(row.name)
        if place is None:
            new.append(PlaceName(name=row.name, aliases=row.aliases, kind=row.kind, street_id=row.street))
            continue
        current = (place.aliases, place.kind, place.street_id, {d.code for d in place.districts.all()})
        if current == (row.aliases, row.kind, row.street, row.districts) or not update_existing:
            unchanged += 1
            continue
        place.aliases, place.kind, place.street_id = row.aliases, row.kind, row.street
        changed.append(place)
    PlaceName.objects.bulk_create(new, batch_size=500)
    PlaceName.objects.bulk_update(changed, ["aliases", "kind", "street"], batch_size=500)
    written = {r.name for r in new} | {p.name for p in changed}
    pks = dict(PlaceName.objects.filter(name__in=written).values_list("name", "pk"))
    through = PlaceName.districts.through
    through.objects.filter(placename_id__in=pks.values()).delete()
    through.objects.bulk_create(
        [through(placename_id=pks[r.name], region_id=code) for r in rows if r.name in pks for code in r.districts],
        batch_size=2000,
    )
    deleted = 0
    if replace:
        listed = {r.name for r in rows}
        gone = [name for name in existing if name not in listed]
        PlaceName.objects.filter(name__in=gone).delete()
        deleted = len(gone)
    address_index_invalidate()
    transaction.on_commit(address_index_invalidate)
    return PlaceNamesResult(created=len(new), updated=len(changed), unchanged=unchanged, deleted=deleted)


def place_names_seed() -> PlaceNamesResult:
    """Add the shipped seed's missing names; entries already present (maybe edited) are left alone."""
    return place_names_import(text=shipped_place_names_path().read_text(encoding="utf-8"), update_existing=False)


def place_names_export() -> str:
    """The whole 地名库 as CSV text that `place_names_import` reads back."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for p in PlaceName.objects.select_related("street").prefetch_related("districts").order_by("kind", "name"):
        writer.writerow(
            [
                p.name,
                p.aliases,
                p.kind,
                "|".join(sorted(d.name for d in p.districts.all())),
                p.street.name if p.street else "",
            ]
        )
    return out.getvalue()

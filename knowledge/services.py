"""Writes to the knowledge base: create and edit entries (the hotline centre), load the shipped set.

Every write recomputes the entry's search index (`Article.tokens`) in the same save, so a search never
sees an entry whose index is stale.
"""

import json
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from common.errors import ApplicationError
from governance import roles
from knowledge.models import Article
from knowledge.text import index_terms

# The centre maintains the knowledge base; operators read it on the line.
EDITORS = (roles.DISPATCHER, roles.SUPERVISOR, roles.ADMIN)
READERS = (roles.OPERATOR, *EDITORS)
FIELDS = ("title", "category_code", "item", "keywords", "answer", "basis", "contact", "valid_from", "valid_until")
REQUIRED = {"title": "标题", "answer": "标准答复"}
MAX_LENGTHS = {"title": 120, "category_code": 64, "item": 64, "keywords": 200, "basis": 200, "contact": 120}


def default_fixture_path() -> Path:
    return Path(settings.BASE_DIR) / "fixtures" / "knowledge_articles.json"


def _check_editor(by) -> None:
    if by is not None and not roles.has_role(by, *EDITORS):
        raise PermissionDenied("无权维护知识库")


def _as_date(value, field: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ApplicationError("日期格式应为 YYYY-MM-DD", code="invalid", extra={"field": field}) from None


def _clean(values: dict) -> dict:
    out = {}
    for field in FIELDS:
        if field not in values:
            continue
        value = values[field]
        if field in ("valid_from", "valid_until"):
            out[field] = _as_date(value, field)
            continue
        value = (value or "").strip()
        if field in REQUIRED and not value:
            raise ApplicationError(f"{REQUIRED[field]}不能为空", code="required", extra={"field": field})
        if field in MAX_LENGTHS and len(value) > MAX_LENGTHS[field]:
            raise ApplicationError(f"不能超过{MAX_LENGTHS[field]}字", code="too_long", extra={"field": field})
        out[field] = value
    return out


def _next_code() -> str:
    last = Article.objects.filter(code__startswith="ZZKB-").order_by("-code").values_list("code", flat=True).first()
    number = int(last.split("-")[1]) + 1 if last and last.split("-")[1].isdigit() else 1
    return f"ZZKB-{number:04d}"


def _validate_dates(article: Article) -> None:
    if article.valid_from is None:
        article.valid_from = timezone.localdate()
    if article.valid_until is not None and article.valid_until < article.valid_from:
        raise ApplicationError("失效日期不能早于生效日期", code="invalid", extra={"field": "valid_until"})


def _save(article: Article, by) -> Article:
    _validate_dates(article)
    article.tokens = index_terms(article)
    if by is not None:
        article.updated_by = by
    article.save()
    return article


def article_create(*, by, title: str, answer: str, code: str = "", is_active: bool = True, **fields) -> Article:
    """A new entry; `code` defaults to the next ZZKB-NNNN, `valid_from` to today. Raises
    ApplicationError (field in `extra`) for bad input, PermissionDenied for non-editors."""
    _check_editor(by)
    values = _clean({"title": title, "answer": answer, **fields})
    code = (code or "").strip()
    with transaction.atomic():
        if code and Article.objects.filter(code=code).exists():
            raise ApplicationError("编号已存在", code="duplicate", extra={"field": "code"})
        return _save(Article(code=code or _next_code(), is_active=bool(is_active), **values), by)


def article_update(*, article: Article, by, **fields) -> Article:
    """Change an entry's fields (those given); its search index follows."""
    _check_editor(by)
    values = _clean(fields)
    for key, value in values.items():
        setattr(article, key, value)
    if "is_active" in fields:
        article.is_active = bool(fields["is_active"])
    return _save(article, by)


def article_set_active(*, article: Article, by, active: bool) -> Article:
    """停用/启用 an entry; a stopped entry is kept (its history) but no longer found by operators."""
    _check_editor(by)
    article.is_active = bool(active)
    if by is not None:
        article.updated_by = by
    article.save(update_fields=["is_active", "updated_by", "updated_at"])
    return article


def articles_load(*, path: Path | None = None) -> tuple[int, int]:
    """Load the shipped entries (JSON list) by code; idempotent. Entries that already exist are left as
    they are (the centre may have edited them); only missing ones are added. Returns (added, kept)."""
    rows = json.loads((path or default_fixture_path()).read_text(encoding="utf-8"))
    existing = set(Article.objects.filter(code__in=[r["code"] for r in rows]).values_list("code", flat=True))
    added = 0
    with transaction.atomic():
        for row in rows:
            if row["code"] in existing:
                continue
            values = _clean(row)
            _save(Article(code=row["code"], **values), None)
            added += 1
    return added, len(existing)

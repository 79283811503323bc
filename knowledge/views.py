"""知识库 pages: search and read (operators, the centre), create/edit/stop (the centre), and the live
panel of the intake page. Thin: the services write, the selectors read."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from common.errors import ApplicationError
from governance import roles
from knowledge import selectors, services
from knowledge.forms import ArticleForm
from knowledge.models import Article


def _roles(*allowed):
    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not roles.has_role(request.user, *allowed):
                raise PermissionDenied("您的角色无权访问此页面")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def _may_edit(user) -> bool:
    return roles.has_role(user, *services.EDITORS)


@_roles(*services.READERS)
def article_list(request):
    query = request.GET.get("q", "").strip()
    category = request.GET.get("category", "")
    editor = _may_edit(request.user)
    context = {
        "query": query,
        "category": category,
        "categories": selectors.category_choices(),
        "may_edit": editor,
        "today": timezone.localdate(),
    }
    if query and request.GET.get("mode") != "title":
        context["hits"] = selectors.article_search(query=query, category_code=category, limit=20)
    else:
        qs = selectors.article_list(query=query, category_code=category)
        if not editor:
            qs = qs.filter(pk__in=selectors.valid_articles().values("pk"))
        context["page"] = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "knowledge/list.html", context)


@_roles(*services.READERS)
def article_detail(request, pk):
    article = get_object_or_404(Article.objects.select_related("updated_by"), pk=pk)
    editor = _may_edit(request.user)
    if not editor and not article.is_valid_on(timezone.localdate()):
        raise PermissionDenied("该条目已停用或不在有效期内")
    return render(
        request,
        "knowledge/detail.html",
        {"article": article, "may_edit": editor, "valid": article.is_valid_on(timezone.localdate())},
    )


def _form_page(request, article: Article | None):
    form = ArticleForm(request.POST or None, instance=article)
    if request.method == "POST" and form.is_valid():
        values = {f: form.cleaned_data.get(f) for f in services.FIELDS}
        try:
            if article is None:
                article = services.article_create(by=request.user, **values)
                messages.success(request, f"已新增知识条目 {article.code}")
            else:
                article = services.article_update(article=article, by=request.user, **values)
                messages.success(request, f"已保存知识条目 {article.code}")
        except ApplicationError as exc:
            field = (exc.extra or {}).get("field")
            form.add_error(field if field in form.fields else None, exc.message)
        else:
            return redirect("knowledge:detail", pk=article.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "knowledge/form.html", {"form": form, "article": article}, status=status)


@_roles(*services.EDITORS)
def article_new(request):
    return _form_page(request, None)


@_roles(*services.EDITORS)
def article_edit(request, pk):
    return _form_page(request, get_object_or_404(Article, pk=pk))


@require_POST
@_roles(*services.EDITORS)
def article_toggle(request, pk):
    article = get_object_or_404(Article, pk=pk)
    services.article_set_active(article=article, by=request.user, active=not article.is_active)
    messages.success(request, f"{article.code} 已{'启用' if article.is_active else '停用'}")
    return redirect("knowledge:detail", pk=article.pk)


@_roles(*services.READERS)
def intake_panel(request):
    """The intake page's card: the operator's own search words, else the 诉求内容 typed so far."""
    params = request.POST if request.method == "POST" else request.GET
    query = (params.get("kb_q") or "").strip()
    source = "query" if query else "content"
    if not query:
        query = (params.get("content") or "").strip()
    hits = selectors.article_search(query=query, limit=5) if query else []
    return render(request, "knowledge/_panel.html", {"hits": hits, "query": query, "source": source})

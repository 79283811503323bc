"""Admin: the centre edits entries here as well as on /knowledge/; saves go through the services so the
search index follows every change."""

from django import forms
from django.contrib import admin

from knowledge import services
from knowledge.models import Article


class ArticleAdminForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = ["code", "title", "category_code", "item", "keywords", "answer", "basis", "contact"]
        fields += ["valid_from", "valid_until", "is_active"]

    def clean(self):
        data = super().clean()
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", "失效日期不能早于生效日期")
        return data


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = ["code", "title", "category_code", "item", "valid_from", "valid_until", "is_active", "updated_at"]
    list_filter = ["is_active", "category_code"]
    search_fields = ["code", "title", "item", "keywords"]
    readonly_fields = ["updated_by", "created_at", "updated_at"]

    def save_model(self, request, obj, form, change):
        values = {f: form.cleaned_data[f] for f in services.FIELDS if f in form.cleaned_data}
        if change:
            services.article_update(article=obj, by=request.user, is_active=obj.is_active, **values)
        else:
            created = services.article_create(by=request.user, code=obj.code, is_active=obj.is_active, **values)
            obj.pk = created.pk

from django import forms

from knowledge.models import Article
from knowledge.selectors import category_choices


class ArticleForm(forms.ModelForm):
    """Input only; the services validate and save."""

    class Meta:
        model = Article
        fields = [
            "title",
            "category_code",
            "item",
            "keywords",
            "answer",
            "basis",
            "contact",
            "valid_from",
            "valid_until",
        ]
        widgets = {
            "answer": forms.Textarea(attrs={"rows": 8}),
            "valid_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "valid_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category_code"] = forms.ChoiceField(
            label="事项类别", required=False, choices=[("", "（不限类别）"), *category_choices()]
        )
        self.fields["valid_from"].required = False

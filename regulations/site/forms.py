"""The site's forms: lenient GET filters for the document list and the targets, and the link checker's memo."""

from django import forms
from django.core.exceptions import ValidationError

from regulations.history import versions
from regulations.history.quoted_addresses import MAX_TEXT
from regulations.models import Document, Status
from regulations.site.pages.targets import TARGET_COLUMNS

IGNORED_VALUE_LIMIT = 60


class LenientForm(forms.Form):
    """A GET filter form whose invalid fields are dropped (with a note) rather than failing the page."""

    def unusable_values(self) -> list[tuple[str, str]]:
        """(label, the value as sent, shortened) of each field whose value is not one offered."""
        self.is_valid()
        found = []
        for name, bound in self.fields.items():
            if name in self.errors:
                raw = str(self.data.get(name, ""))
                if len(raw) > IGNORED_VALUE_LIMIT:
                    raw = raw[:IGNORED_VALUE_LIMIT] + "…"
                found.append((bound.label.lower(), raw))
        return found

    def usable_data(self) -> tuple[dict, list[str]]:
        notes = [
            f"Ignored {label} “{raw}”: it is not one of the values offered." for label, raw in self.unusable_values()
        ]
        values = {name: "" if name in self.errors else self.cleaned_data.get(name) or "" for name in self.fields}
        return values, notes


class DocumentFilterForm(LenientForm):
    topic = forms.ChoiceField(label="Topic", required=False)
    status = forms.ChoiceField(label="Status", required=False, choices=[("", "Any"), *Status.choices])
    rank = forms.ChoiceField(label="Legal rank", required=False, choices=[("", "Any"), *Document.Rank.choices])
    jurisdiction = forms.ChoiceField(
        label="Jurisdiction", required=False, choices=[("", "Any"), *Document.Jurisdiction.choices]
    )

    def __init__(self, data, topics):
        super().__init__(data)
        self.fields["topic"].choices = [("", "Any"), *((topic.slug, topic.name_en) for topic in topics)]


def _sort_choices():
    choices = [("", "Document order")]
    for key, label in TARGET_COLUMNS:
        choices += [(key, f"{label} (ascending)"), (f"-{key}", f"{label} (descending)")]
    return choices


class TargetFilterForm(LenientForm):
    sort = forms.ChoiceField(label="Sort", required=False, choices=_sort_choices())
    industry = forms.ChoiceField(label="Industry", required=False)
    document = forms.ChoiceField(label="Document", required=False)

    def __init__(self, data, industries, documents):
        super().__init__(data)
        self.fields["industry"].choices = [("", "All industries"), *((i.slug, i.name_en) for i in industries)]
        self.fields["document"].choices = [("", "All documents"), *((d.slug, d.short_title) for d in documents)]


class LinkCheckForm(forms.Form):
    text = forms.CharField(
        label="Paste links or a memo's text",
        widget=forms.Textarea(attrs={"rows": 12}),
        error_messages={"required": "Paste at least one link, or a memo's text with links in it."},
    )
    memo_date = forms.CharField(label="Memo written on", required=False)

    def clean_text(self):
        text = self.cleaned_data["text"]
        if len(text) > MAX_TEXT:
            raise ValidationError(
                f"The text is {len(text):,} characters long; the checker takes at most {MAX_TEXT:,} at a time. "
                "Check the memo in parts."
            )
        return text

    def clean_memo_date(self):
        value = self.cleaned_data["memo_date"]
        if not value:
            return None
        try:
            return versions.parse_day(value)
        except versions.InvalidDate as error:
            raise ValidationError(f"Memo date: {error}") from None

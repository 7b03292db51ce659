"""The site's forms: lenient GET filters for the document list and the targets, and the link checker's memo."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy

from regulations.history import versions
from regulations.history.quoted_addresses import MAX_TEXT
from regulations.models import Document, Status
from regulations.site.pages.targets import TARGET_COLUMNS

IGNORED_VALUE_LIMIT = 60
ANY = pgettext_lazy("no filter", "Any")


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
            gettext("Ignored %(filter)s “%(value)s”: it is not one of the values offered.")
            % {"filter": label, "value": raw}
            for label, raw in self.unusable_values()
        ]
        values = {name: "" if name in self.errors else self.cleaned_data.get(name) or "" for name in self.fields}
        return values, notes


class DocumentFilterForm(LenientForm):
    topic = forms.ChoiceField(label=gettext_lazy("Topic"), required=False)
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False, choices=[("", ANY), *Status.choices])
    rank = forms.ChoiceField(
        label=gettext_lazy("Legal rank"), required=False, choices=[("", ANY), *Document.Rank.choices]
    )
    jurisdiction = forms.ChoiceField(
        label=gettext_lazy("Jurisdiction"), required=False, choices=[("", ANY), *Document.Jurisdiction.choices]
    )

    def __init__(self, data, topics):
        super().__init__(data)
        self.fields["topic"].choices = [("", ANY), *((topic.slug, topic.name_en) for topic in topics)]


def _sort_choices():
    choices = [("", gettext_lazy("Document order"))]
    for key, label in TARGET_COLUMNS:
        ascending = format_lazy(gettext_lazy("{} (ascending)"), label)
        choices += [(key, ascending), (f"-{key}", format_lazy(gettext_lazy("{} (descending)"), label))]
    return choices


class TargetFilterForm(LenientForm):
    sort = forms.ChoiceField(label=gettext_lazy("Sort"), required=False, choices=_sort_choices())
    industry = forms.ChoiceField(label=gettext_lazy("Industry"), required=False)
    document = forms.ChoiceField(label=gettext_lazy("Document"), required=False)

    def __init__(self, data, industries, documents):
        super().__init__(data)
        self.fields["industry"].choices = [("", gettext("All industries")), *((i.slug, i.name_en) for i in industries)]
        self.fields["document"].choices = [
            ("", gettext("All documents")),
            *((d.slug, d.short_title) for d in documents),
        ]


class LinkCheckForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Paste links or a memo's text"),
        widget=forms.Textarea(attrs={"rows": 12}),
        error_messages={"required": gettext_lazy("Paste at least one link, or a memo's text with links in it.")},
    )
    memo_date = forms.CharField(label=gettext_lazy("Memo written on"), required=False)

    def clean_text(self):
        text = self.cleaned_data["text"]
        if len(text) > MAX_TEXT:
            raise ValidationError(
                gettext(
                    "The text is %(length)s characters long; the checker takes at most %(limit)s at a time. "
                    "Check the memo in parts."
                )
                % {
                    "length": number_format(len(text), force_grouping=True),
                    "limit": number_format(MAX_TEXT, force_grouping=True),
                }
            )
        return text

    def clean_memo_date(self):
        value = self.cleaned_data["memo_date"]
        if not value:
            return None
        try:
            return versions.parse_day(value)
        except versions.InvalidDate as error:
            raise ValidationError(gettext("Memo date: %(problem)s") % {"problem": error}) from None

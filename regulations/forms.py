"""Forms for the admin, the consultants' editor of the corpus."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from regulations.models import (
    MAX_TREE_DEPTH,
    Document,
    GlossaryTerm,
    Industry,
    Provision,
    Target,
)

CYCLE_MESSAGE = "This would put the provision inside itself (a cycle in the tree)."
DEPTH_MESSAGE = f"A document's tree may be at most {MAX_TREE_DEPTH} levels deep."


class LinesField(forms.Field):
    """A list of short texts, edited one item per line; stored as a JSON list of strings."""

    widget = forms.Textarea(attrs={"rows": 3, "cols": 60})
    default_help = "One per line."

    def __init__(self, *, required=False, help_text=None, **kwargs):
        super().__init__(required=required, help_text=help_text or self.default_help, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(str(item) for item in value)
        return value

    def to_python(self, value):
        if value in self.empty_values:
            return []
        if isinstance(value, list | tuple):
            return [str(item) for item in value]
        return [line.strip() for line in str(value).splitlines() if line.strip()]

    def has_changed(self, initial, data):
        return self.to_python(initial) != self.to_python(data)


class CompactSelect(forms.Select):
    """A flat select written out in Python rather than a template per option.

    The document page has a parent and a kind select on each of its (sometimes hundreds of)
    provision rows; rendering their options through templates takes most of the page's time.
    """

    def render(self, name, value, attrs=None, renderer=None):
        selected = set(self.format_value(value))
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option_value, mark_safe(" selected") if str(option_value) in selected else "", label)  # noqa: S308
                for option_value, label in self.choices
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>', name, flatatt(self.build_attrs(self.attrs, attrs)), options
        )


def outline_label(provision: Provision) -> str:
    """'— — 2.7.2 Heading' style label that shows a provision's place in its tree."""
    number = provision.num or provision.eid
    return f"{'— ' * provision.depth}{number} {provision.heading_en}"


def ancestry_error(parents: dict, pk, parent_pk) -> str | None:
    """Walk up from parent_pk in the parent map; say what is wrong with hanging pk there, if anything."""
    levels, seen, node = 1, set(), parent_pk
    while node is not None:
        if pk is not None and node == pk:
            return CYCLE_MESSAGE
        if node in seen:  # an existing cycle elsewhere; the database would not have allowed it
            return CYCLE_MESSAGE
        seen.add(node)
        levels += 1
        if levels > MAX_TREE_DEPTH:
            return DEPTH_MESSAGE
        node = parents.get(node)
    return None


class DocumentAdminForm(forms.ModelForm):
    sources = LinesField(label="Official and research sources", help_text="One address per line.")

    class Meta:
        model = Document
        fields = [
            "slug", "short_title", "kind", "form", "level", "jurisdiction", "language", "topics",
            "title_en", "title_zh", "title_note", "notice_title_en", "notice_title_zh",
            "doc_number", "doc_number_note", "doc_number_verified",
            "status", "status_detail", "status_note", "status_verified", "superseded_by", "dates_note",
            "summary", "details", "sources",
        ]  # fmt: skip


class ProvisionAdminForm(forms.ModelForm):
    key_terms = LinesField(label="Key terms")

    class Meta:
        model = Provision
        fields = [
            "document", "parent", "eid", "num", "position", "kind", "status",
            "heading_en", "heading_zh", "heading_zh_note", "heading_official_en", "articles",
            "text", "key_terms", "responsible_agencies", "industries", "verified", "note", "details",
        ]  # fmt: skip

    def clean(self):
        cleaned_data = super().clean()
        document = cleaned_data.get("document")
        instance = self.instance
        if instance.pk and document and instance.document_id != document.pk:
            children = instance.children.count()
            if children:
                self.add_error(
                    "document",
                    f"This provision has {children} sub-provision(s) in its current document; "
                    "move or delete them before moving it to another document.",
                )
        return cleaned_data


class ProvisionInlineFormSet(forms.BaseInlineFormSet):
    """The provisions of one document: checks the tree as a whole, and saves moves in a safe order."""

    def clean(self):
        super().clean()
        if any(self.errors) or not self.instance.pk:
            return
        parents = dict(Provision.objects.filter(document=self.instance).values_list("pk", "parent_id"))
        changed = []
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form in self.deleted_forms:
                continue
            if form.instance.pk is None and not form.has_changed():
                continue
            parent = form.cleaned_data.get("parent")
            if form.instance.pk is not None:
                parents[form.instance.pk] = parent.pk if parent else None
            changed.append((form, parent))
        for form, parent in changed:
            message = ancestry_error(parents, form.instance.pk, parent.pk if parent else None)
            if message:
                form.add_error("parent", message)

    def save(self, commit=True):
        if commit:
            # Detach the provisions that move first: every intermediate state is then part of the
            # final tree, so the database's tree trigger never sees a transient cycle.
            moving = [
                form.instance.pk
                for form in self.initial_forms
                if form.instance.pk and "parent" in form.changed_data and form not in self.deleted_forms
            ]
            if moving:
                Provision.objects.filter(pk__in=moving).update(parent=None)
        return super().save(commit)


class TargetAdminForm(forms.ModelForm):
    class Meta:
        model = Target
        fields = [
            "provision", "position", "metric", "metric_zh", "scope", "baseline_year", "baseline_value",
            "target_year", "value", "unit", "comparison", "direction", "description", "verified", "note",
        ]  # fmt: skip

    def clean(self):
        cleaned_data = super().clean()
        baseline, target = cleaned_data.get("baseline_year"), cleaned_data.get("target_year")
        if baseline and target and baseline > target:
            self.add_error("baseline_year", f"The baseline year ({baseline}) is after the target year ({target}).")
        return cleaned_data


class IndustryAdminForm(forms.ModelForm):
    aliases = LinesField(label="Aliases")
    gbt4754_divisions = LinesField(label="GB/T 4754-2017 divisions")
    gbt4754_classes = LinesField(label="GB/T 4754-2017 groups or classes")
    isic_divisions = LinesField(label="ISIC Rev.4 divisions")
    isic_classes = LinesField(label="ISIC Rev.4 classes")

    class Meta:
        model = Industry
        fields = [
            "slug", "name_en", "name_zh", "parent", "position", "aliases", "note",
            "gbt4754_divisions", "gbt4754_classes", "gbt4754_verified", "gbt4754_note",
            "isic_divisions", "isic_classes", "isic_verified", "isic_note",
        ]  # fmt: skip


class GlossaryTermAdminForm(forms.ModelForm):
    abbreviations = LinesField(label="Abbreviations")
    synonyms_en = LinesField(label="English synonyms")
    synonyms_zh = LinesField(label="Chinese synonyms")

    class Meta:
        model = GlossaryTerm
        fields = [
            "slug", "term_en", "term_zh", "position", "abbreviations", "synonyms_en", "synonyms_zh",
            "definition", "note", "see_provisions",
        ]  # fmt: skip

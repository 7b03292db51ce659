"""The admin's model forms: change notes and optimistic locking on the models with history, and checks that
explain what the database would refuse."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext, gettext_lazy, ngettext

from regulations.admin.locking import RevisionLockMixin
from regulations.admin.widgets import AgenciesField, LinesField, MarkdownTextarea, YamlMappingField
from regulations.models import (
    TARGET_FIELDS,
    Annotation,
    Document,
    GlossaryTerm,
    Industry,
    LegalEvent,
    Provision,
    Publication,
    Relation,
    Target,
    tree_error,
)
from regulations.text.control_characters import control_character_problem, xml_safe

CHANGE_NOTE = "change_note"
CHANGE_NOTE_LENGTH = Document.history.model._meta.get_field("history_change_reason").max_length or 100


class NoControlCharactersMixin:
    """Text with an invisible control character (a word processor's soft line break, say) is refused with
    a message naming it: pages could not show it and the Atom feed could not carry it. Text stored before that
    check is shown with the characters replaced (a page cannot carry them either), so saving the form cleans it."""

    def get_initial_for_field(self, field, field_name):
        value = super().get_initial_for_field(field, field_name)
        return xml_safe(value) if isinstance(value, str) else value

    def clean(self):
        cleaned_data = super().clean()
        problems = {name: control_character_problem(value) for name, value in cleaned_data.items()}
        for name, problem in problems.items():
            if problem:
                self.add_error(name, problem)
        return cleaned_data


class SafeDefaultsMixin:
    """A new object starts on the safe side in the admin: a target unverified, an annotation a draft, until a
    consultant says otherwise. (The models' own defaults serve the corpus loader and the API.)"""

    safe_defaults: dict = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance._state.adding:
            for name, value in self.safe_defaults.items():
                if name in self.fields and name not in (kwargs.get("initial") or {}):
                    self.initial[name] = value


class CheckedModelForm(NoControlCharactersMixin, forms.ModelForm):
    """The form of an admin with no form of its own: the same check on its text."""


class ChangeNoteField(forms.CharField):
    """Not data of the object: writing a note alone is no change, and the admin's change log leaves it out."""

    def has_changed(self, initial, data):
        return False


class ChangeNoteMixin(NoControlCharactersMixin, forms.ModelForm):
    """An optional short note that becomes the history record's change reason (see TrackedAdmin.save_model)."""

    change_note = ChangeNoteField(
        label=gettext_lazy("Change note"),
        max_length=CHANGE_NOTE_LENGTH,
        required=False,
        widget=forms.TextInput(attrs={"size": 80}),
        help_text=gettext_lazy("Optional: a few words on what you changed and why, kept in the history."),
    )


class TrackedAdminForm(ChangeNoteMixin, RevisionLockMixin):
    """The change form of a model with history and revisions: a change note, and no lost updates."""


class ModelErrorsAsNonFieldMixin:
    """Model validation errors about fields this form does not show become errors of the form.

    An inline row leaves out the foreign key to its page's object; Annotation.clean() may still
    name it, and Django refuses errors on fields a form does not have.
    """

    def add_error(self, field, error):
        if field is None and isinstance(error, ValidationError) and hasattr(error, "error_dict"):
            remapped = {}
            for name, errors in error.error_dict.items():
                key = name if name == NON_FIELD_ERRORS or name in self.fields else NON_FIELD_ERRORS
                remapped.setdefault(key, []).extend(errors)
            error = ValidationError(remapped)
        super().add_error(field, error)


# -- documents and provisions ---------------------------------------------------------------


class DocumentAdminForm(TrackedAdminForm):
    official_url = forms.URLField(
        label=gettext_lazy("Official publication"), max_length=500, required=False, assume_scheme="https"
    )
    eli = forms.URLField(label=gettext_lazy("ELI"), max_length=300, required=False, assume_scheme="https")
    alternative_titles = LinesField(
        label=gettext_lazy("Alternative titles"),
        help_text=gettext_lazy(
            "Other names the document goes by (press renderings, short names, 固废法), one per line; "
            "a search naming one puts the document first."
        ),
    )
    sources = LinesField(
        label=gettext_lazy("Research sources"),
        help_text=gettext_lazy("Secondary reports (reprints, news, translations), one address per line."),
    )
    details = YamlMappingField(label=gettext_lazy("Details"))

    class Meta:
        model = Document
        fields = [
            "slug", "short_title", "kind", "form", "rank", "level", "jurisdiction", "language", "topics",
            "title_en", "title_zh", "alternative_titles", "title_note", "notice_title_en", "notice_title_zh",
            "doc_number", "doc_number_note", "doc_number_verified", "status_note", "dates_note",
            "official_url", "official_publisher", "eli", "summary", "details", "sources", "publication",
        ]  # fmt: skip
        widgets = {"summary": MarkdownTextarea}


class ProvisionAdminForm(TrackedAdminForm):
    key_terms = LinesField(label=gettext_lazy("Key terms"))
    responsible_agencies = AgenciesField(label=gettext_lazy("Responsible agencies"))
    details = YamlMappingField(label=gettext_lazy("Details"))

    class Meta:
        model = Provision
        fields = [
            "document", "parent", "eid", "num", "position", "kind",
            "heading_en", "heading_zh", "heading_zh_note", "heading_official_en", "articles",
            "text", "text_original", "key_terms", "responsible_agencies", "industries", "verified", "note", "details",
            "publication",
        ]  # fmt: skip
        widgets = {"text": MarkdownTextarea, "text_original": MarkdownTextarea}

    def clean(self):
        cleaned_data = super().clean()
        document = cleaned_data.get("document")
        instance = self.instance
        if instance.pk and document and instance.document_id != document.pk:
            children = instance.children.count()
            if children:
                self.add_error(
                    "document",
                    ngettext(
                        "This provision has %(count)d sub-provision in its current document; "
                        "move or delete it before moving the provision to another document.",
                        "This provision has %(count)d sub-provisions in its current document; "
                        "move or delete them before moving the provision to another document.",
                        children,
                    )
                    % {"count": children},
                )
        return cleaned_data


class ProvisionInlineForm(NoControlCharactersMixin, RevisionLockMixin):
    """A row of the document page's provision tree."""

    lock_only_changed = True

    class Meta:
        model = Provision
        fields = ["eid", "num", "heading_en", "kind", "position", "parent"]


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
            message = tree_error(parents, form.instance.pk, parent.pk if parent else None)
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


# -- targets, relations, annotations --------------------------------------------------------

TARGET_FORM_FIELDS = ["provision", "position", *TARGET_FIELDS]


class TargetChecks:
    def clean(self):
        cleaned_data = super().clean()
        baseline, target = cleaned_data.get("baseline_year"), cleaned_data.get("target_year")
        if baseline and target and baseline > target:
            self.add_error(
                "baseline_year",
                gettext("The baseline year (%(baseline)s) is after the target year (%(target)s).")
                % {"baseline": baseline, "target": target},
            )
        return cleaned_data


TARGET_SAFE_DEFAULTS = {"verified": False}
ANNOTATION_SAFE_DEFAULTS = {"publication": Publication.DRAFT}


class TargetAdminForm(SafeDefaultsMixin, TargetChecks, TrackedAdminForm):
    safe_defaults = TARGET_SAFE_DEFAULTS

    class Meta:
        model = Target
        fields = TARGET_FORM_FIELDS


class TargetInlineForm(SafeDefaultsMixin, NoControlCharactersMixin, TargetChecks, RevisionLockMixin):
    """A target row on its provision's page."""

    lock_only_changed = True
    safe_defaults = TARGET_SAFE_DEFAULTS

    class Meta:
        model = Target
        fields = TARGET_FORM_FIELDS


RELATION_FIELDS = [
    "type", "source_document", "source_provision", "target_document", "target_provision",
    "note", "asserted_by", "asserted_on", "position",
]  # fmt: skip


class RelationAdminForm(TrackedAdminForm):
    class Meta:
        model = Relation
        fields = RELATION_FIELDS


class RelationInlineForm(NoControlCharactersMixin, RevisionLockMixin):
    """An outgoing relation on its source document's page."""

    lock_only_changed = True

    class Meta:
        model = Relation
        fields = RELATION_FIELDS


ANNOTATION_FIELDS = [
    "document", "provision", "kind", "title", "body", "effective_date", "source_url", "visibility", "publication",
]  # fmt: skip


class AnnotationFields(forms.ModelForm):
    source_url = forms.URLField(label=gettext_lazy("Source"), max_length=500, required=False, assume_scheme="https")


class AnnotationAdminForm(SafeDefaultsMixin, AnnotationFields, TrackedAdminForm):
    safe_defaults = ANNOTATION_SAFE_DEFAULTS

    class Meta:
        model = Annotation
        fields = ANNOTATION_FIELDS
        widgets = {"body": MarkdownTextarea}


class AnnotationInlineForm(
    SafeDefaultsMixin, NoControlCharactersMixin, ModelErrorsAsNonFieldMixin, AnnotationFields, RevisionLockMixin
):
    """An annotation on its document's or provision's page; the author is set by the admin."""

    lock_only_changed = True
    safe_defaults = ANNOTATION_SAFE_DEFAULTS

    class Meta:
        model = Annotation
        fields = ANNOTATION_FIELDS
        widgets = {"body": MarkdownTextarea}


class ProvisionAnnotationFormSet(forms.BaseInlineFormSet):
    """A provision's annotations: a new one takes its document from the provision."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        if form.instance.document_id is None and self.instance.document_id is not None:
            form.instance.document_id = self.instance.document_id
        return form


# -- reference lists ------------------------------------------------------------------------


class IndustryAdminForm(NoControlCharactersMixin, forms.ModelForm):
    aliases = LinesField(label=gettext_lazy("Aliases"))
    gbt4754_divisions = LinesField(label=gettext_lazy("GB/T 4754-2017 divisions"))
    gbt4754_classes = LinesField(label=gettext_lazy("GB/T 4754-2017 groups or classes"))
    isic_divisions = LinesField(label=gettext_lazy("ISIC Rev.4 divisions"))
    isic_classes = LinesField(label=gettext_lazy("ISIC Rev.4 classes"))

    class Meta:
        model = Industry
        fields = [
            "slug", "name_en", "name_zh", "parent", "position", "aliases", "note",
            "gbt4754_divisions", "gbt4754_classes", "gbt4754_verified", "gbt4754_note",
            "isic_divisions", "isic_classes", "isic_verified", "isic_note",
        ]  # fmt: skip


class GlossaryTermAdminForm(NoControlCharactersMixin, forms.ModelForm):
    abbreviations = LinesField(label=gettext_lazy("Abbreviations"))
    synonyms_en = LinesField(label=gettext_lazy("English synonyms"))
    synonyms_zh = LinesField(label=gettext_lazy("Chinese synonyms"))

    class Meta:
        model = GlossaryTerm
        fields = [
            "slug", "term_en", "term_zh", "position", "abbreviations", "synonyms_en", "synonyms_zh",
            "definition", "note", "see_provisions",
        ]  # fmt: skip


class LegalEventForm(CheckedModelForm):
    """One legal event: what happened, when (as precisely as known), by which instrument, affecting what."""

    source_url = forms.URLField(label=gettext_lazy("Source"), max_length=500, required=False, assume_scheme="https")

    class Meta:
        model = LegalEvent
        fields = ["document", "kind", "date", "precision", "verified", "instrument", "by", "provisions", "note"]
        fields += ["source_url", "position"]

"""Form fields and widgets of the admin: lists edited one item per line, fast selects, Markdown with a preview."""

from django import forms
from django.contrib.admin.widgets import AdminTextareaWidget, AutocompleteSelect
from django.forms.utils import flatatt
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

MARKDOWN_PREVIEW_URL = "admin:regulations_markdown_preview"


class ValidAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete select as valid HTML: a required select starts with an empty choice too (the first
    option of a required single select must be an empty placeholder), and the empty choice has a label."""

    def optgroups(self, name, value, attr=None):
        groups = super().optgroups(name, value, attr)
        options = groups[0][1]
        if self.is_required:
            options.insert(0, self.create_option(name, "", "", False, 0))
        for option in options:
            if option["value"] == "":
                option["attrs"]["label"] = "(none)"
        return groups


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


class MarkdownTextarea(AdminTextareaWidget):
    """A Markdown text area with a preview area under it.

    The preview button and area are rendered hidden; static/js/admin-preview.js shows them and asks
    the admin's preview endpoint (regulations.admin.preview) for the rendering. Without JavaScript
    this is a plain text area.
    """

    def render(self, name, value, attrs=None, renderer=None):
        textarea = super().render(name, value, attrs, renderer)
        try:
            url = reverse(MARKDOWN_PREVIEW_URL)
        except NoReverseMatch:  # outside the admin
            return textarea
        return format_html(
            '<div class="markdown-field">{}'
            '<div class="markdown-preview" data-preview-url="{}" hidden>'
            '<button type="button" class="button markdown-preview-button">Preview Markdown</button> '
            '<button type="button" class="button markdown-preview-hide" hidden>Hide preview</button>'
            '<div class="markdown-preview-output" aria-live="polite" hidden></div>'
            "</div></div>",
            textarea,
            url,
        )

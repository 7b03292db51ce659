"""Form fields and widgets of the admin: lists edited one item per line, fast selects, Markdown with a preview."""

import json

import yaml
from django import forms
from django.contrib.admin.widgets import AdminTextareaWidget, AutocompleteSelect
from django.forms.utils import flatatt
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, gettext_lazy

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
                option["attrs"]["label"] = gettext("(none)")
        return groups


class LinesField(forms.Field):
    """A list of short texts, edited one item per line; stored as a JSON list of strings."""

    widget = forms.Textarea(attrs={"rows": 3, "cols": 60})
    default_help = gettext_lazy("One per line.")

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


AGENCY_PARTS = ("abbr", "zh", "en", "role")


class AgenciesField(forms.Field):
    """Responsible agencies, one a line: ``MIIT | 工业和信息化部 | Ministry of Industry and Information Technology |
    lead`` (abbreviation, Chinese name, English name, role; trailing parts may be left out). Stored as the JSON
    list of {abbr, zh, en, role} the pages and the corpus files use."""

    widget = forms.Textarea(attrs={"rows": 4, "cols": 80, "spellcheck": "false"})

    def __init__(self, *, required=False, **kwargs):
        kwargs.setdefault(
            "help_text",
            gettext_lazy(
                "One agency a line: abbreviation | Chinese name | English name | role. "
                "E.g. “MIIT | 工业和信息化部”; leave out what is not known."
            ),
        )
        super().__init__(required=required, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            lines = []
            for agency in value:
                if not isinstance(agency, dict):
                    agency = {"abbr": str(agency)}
                parts = [str(agency.get(key) or "") for key in AGENCY_PARTS]
                while parts and not parts[-1]:
                    parts.pop()
                lines.append(" | ".join(parts))
            return "\n".join(lines)
        return value

    def to_python(self, value):
        if value in self.empty_values:
            return []
        if isinstance(value, list | tuple):
            return list(value)
        agencies = []
        for number, line in enumerate(str(value).splitlines(), start=1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split("|")]
            if len(parts) > len(AGENCY_PARTS):
                raise forms.ValidationError(
                    gettext(
                        "Line %(line)d has %(parts)d parts; an agency has at most four: "
                        "abbreviation | Chinese name | English name | role."
                    )
                    % {"line": number, "parts": len(parts)}
                )
            agency = {key: part for key, part in zip(AGENCY_PARTS, parts, strict=False) if part}
            if not (agency.get("abbr") or agency.get("zh") or agency.get("en")):
                raise forms.ValidationError(
                    gettext("Line %(line)d names no agency: give its abbreviation or a name.") % {"line": number}
                )
            agencies.append(agency)
        return agencies

    def has_changed(self, initial, data):
        return self.to_python(self.prepare_value(initial)) != self.to_python(data)


class YamlMappingField(forms.Field):
    """Structured notes (a document's or provision's details) edited as YAML, the corpus files' own format:
    readable nested lists and texts instead of a JSON box. Stored as JSON."""

    widget = forms.Textarea(attrs={"rows": 8, "cols": 80, "spellcheck": "false", "class": "yaml-editor"})

    def __init__(self, *, required=False, **kwargs):
        kwargs.setdefault(
            "help_text",
            gettext_lazy(
                "Written as in the corpus files (YAML): “name: value” lines, lists as “- item” lines indented under "
                "their name."
            ),
        )
        super().__init__(required=required, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, dict):
            return yaml.safe_dump(value, allow_unicode=True, sort_keys=False, width=100) if value else ""
        return value

    def to_python(self, value):
        if value in self.empty_values:
            return {}
        if isinstance(value, dict):
            return value
        try:
            parsed = yaml.safe_load(str(value))
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            problem = getattr(error, "problem", None) or gettext("it is not valid YAML")
            if mark:
                message = gettext("These details cannot be read at line %(line)d, column %(column)d: %(problem)s.")
            else:
                message = gettext("These details cannot be read: %(problem)s.")
            raise forms.ValidationError(
                message
                % {"line": mark.line + 1 if mark else 0, "column": mark.column + 1 if mark else 0, "problem": problem}
            ) from None
        if parsed is None:
            return {}
        if not isinstance(parsed, dict):
            raise forms.ValidationError(
                gettext("Details are a set of “name: value” lines, not a single value or a list.")
            )
        try:
            json.dumps(parsed)
        except (TypeError, ValueError):
            raise forms.ValidationError(
                gettext("Details hold texts, numbers, lists and names only; write dates in quotes ('2024-01-31').")
            ) from None
        return parsed

    def has_changed(self, initial, data):
        try:
            return self.to_python(self.prepare_value(initial)) != self.to_python(data)
        except forms.ValidationError:
            return True


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
        # What static/js/admin-preview.js says while and after it asks, in the interface's language.
        messages = {
            "rendering": gettext("Rendering…"),
            "empty": gettext("Nothing to preview."),
            "signed-out": gettext("Your session has ended: sign in again to preview."),
            "failed": gettext("The preview could not be rendered (%(status)s).") % {"status": "{status}"},
            "unreachable": gettext("The preview could not be loaded."),
        }
        return format_html(
            '<div class="markdown-field">{}'
            '<div class="markdown-preview" data-preview-url="{}"{} hidden>'
            '<button type="button" class="button markdown-preview-button">{}</button> '
            '<button type="button" class="button markdown-preview-hide" hidden>{}</button>'
            '<div class="markdown-preview-output" aria-live="polite" hidden></div>'
            "</div></div>",
            textarea,
            url,
            flatatt({f"data-{name}": message for name, message in messages.items()}),
            gettext("Preview Markdown"),
            gettext("Hide preview"),
        )

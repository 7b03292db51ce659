"""Characters XML 1.0 cannot hold: refused in text input, and taken out of whatever is already stored.

C0 control characters other than tab, newline and carriage return, the surrogates and U+FFFE/U+FFFF are
not allowed in an XML 1.0 document, not even as character references: one of them in a title makes the
Atom feed unwritable. Word processors put a vertical tab (U+000B) where a soft line break was and a form
feed (U+000C) at a page break, so those two become spaces; the others carry nothing readable and go.
"""

import re

from django.core.exceptions import ValidationError

_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_LINE_BREAKS = {"\x0b": " ", "\x0c": " "}

MESSAGE = (
    "Remove the control character U+{code:04X} (at character {position}): it is invisible, and pages and "
    "feeds cannot carry it. Tabs and line breaks are fine."
)


def xml_safe(text: str) -> str:
    """`text` with the characters XML 1.0 cannot hold replaced (line and page breaks) or removed."""
    if not _NOT_IN_XML.search(text):
        return text
    return _NOT_IN_XML.sub(lambda match: _LINE_BREAKS.get(match.group(0), ""), text)


def control_character_problem(value) -> str | None:
    """What is wrong with `value` (a string, or a list or dict of them), or None if it is fine."""
    if isinstance(value, str):
        found = _NOT_IN_XML.search(value)
        return MESSAGE.format(code=ord(found.group(0)), position=found.start() + 1) if found else None
    if isinstance(value, dict):
        value = [*value.keys(), *value.values()]
    if isinstance(value, list | tuple):
        for item in value:
            problem = control_character_problem(item)
            if problem:
                return problem
    return None


def reject_control_characters(value) -> None:
    """A validator for text input: raises ValidationError naming the first control character."""
    problem = control_character_problem(value)
    if problem:
        raise ValidationError(problem, code="control_character")

"""Reading and writing the corpus files in `fixtures/`.

The files are YAML. Reading keeps the line of every mapping so that errors can name it;
writing is canonical (key order, quoting, wrapping), so that load → export reproduces a file.
"""

import datetime
import re
from collections.abc import Callable
from pathlib import Path

import yaml


class CorpusError(Exception):
    """A problem with one corpus file, located as precisely as we can."""

    def __init__(self, message: str, path: Path | str | None = None, line: int | None = None):
        self.message = message
        self.path = Path(path) if path else None
        self.line = line
        super().__init__(str(self))

    def __str__(self):
        where = ""
        if self.path is not None:
            where = str(self.path)
            if self.line:
                where += f", line {self.line}"
            where += ": "
        return where + self.message


class Mapping(dict):
    """A YAML mapping that remembers the line it starts on (1-based)."""

    line: int | None = None


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader, node):
    mapping = Mapping(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
# Dates stay strings: the corpus has partial dates ("2024-12") that YAML would not parse anyway,
# and one code path for all of them gives one error message for a malformed date.
_LineLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_yaml(path: Path):
    try:
        with open(path, encoding="utf-8") as handle:
            return yaml.load(handle, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        raise CorpusError(f"not valid YAML: {error.problem}", path, mark.line + 1 if mark else None) from error
    except UnicodeDecodeError as error:
        raise CorpusError("not UTF-8 text", path) from error


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow=False, indentless=False):
        # Indent list items under their key, which reads better in long files.
        return super().increase_indent(flow, False)


def _represent_str(dumper, value):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(Mapping, _Dumper.represent_dict)


def dump_yaml(data) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100, indent=2)


def write_yaml(path: Path, data, header: str = "") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(header + dump_yaml(data), encoding="utf-8")


FILE_HEADER = (
    "# Rulebook corpus file. Facts (titles, numbers, dates, figures, official headings) come from\n"
    "# the sources listed; descriptive English text is our own. Edit, then run\n"
    "# `python manage.py load_regulations` (or `make load`).\n"
)
DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
Progress = Callable[[str], None]


def parse_partial_date(value, path, line, field_name) -> tuple[datetime.date, str]:
    """'2024', '2024-12' or '2024-12-24' → (first day of that period, precision)."""
    match = DATE_RE.match(str(value)) if value is not None else None
    if not match:
        raise CorpusError(
            f"{field_name}: “{value}” is not a date (write YYYY-MM-DD, or YYYY-MM or YYYY when only "
            "that much is known)",
            path,
            line,
        )
    year, month, day = match.groups()
    try:
        date = datetime.date(int(year), int(month or 1), int(day or 1))
    except ValueError as error:
        raise CorpusError(f"{field_name}: “{value}” is not a real date ({error})", path, line) from None
    precision = "day" if day else "month" if month else "year"
    return date, precision


def format_partial_date(date: datetime.date, precision: str) -> str:
    return date.isoformat()[: {"year": 4, "month": 7}.get(precision, 10)]

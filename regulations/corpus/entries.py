"""Reading one entry of a corpus file: required keys, lists, numbers and years, with errors that say where."""

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from pathlib import Path

from regulations.corpus.files import CorpusError, Mapping


class Source:
    """Where an entry came from, for error messages."""

    def __init__(self, path: Path, entry):
        self.path = path
        self.line = entry.line if isinstance(entry, Mapping) else None

    def error(self, message: str) -> CorpusError:
        return CorpusError(message, self.path, self.line)


def require(entry, key, source: Source):
    if not isinstance(entry, dict):
        raise source.error(f"expected a mapping with “{key}”, found {type(entry).__name__}")
    value = entry.get(key)
    if value in (None, ""):
        raise source.error(f"“{key}” is missing")
    return value


def list_of(entry, key, source: Source) -> list:
    value = entry.get(key) or []
    if not isinstance(value, list):
        raise source.error(f"“{key}” must be a list")
    return value


def check_keys(entry, allowed: Iterable[str], source: Source, what: str):
    unknown = set(entry) - set(allowed)
    if unknown:
        raise source.error(f"unknown field(s) in {what}: {', '.join(sorted(unknown))}")


def decimal(value, source: Source, name: str):
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise source.error(f"{name}: “{value}” is not a number") from None


def year(value, source: Source, name: str):
    if value is None:
        return None
    if not isinstance(value, int) or not 1900 <= value <= 2200:
        raise source.error(f"{name}: “{value}” is not a year")
    return value

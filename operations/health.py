"""Whether the services a request needs answer: the database, the search backend and the cache."""

import secrets
from dataclasses import dataclass

from django.core.cache import cache
from django.db import DatabaseError, InterfaceError, OperationalError, connection

from search.backends import get_backend
from search.backends.base import IndexUnavailableError

DATABASE_ERRORS = (DatabaseError,)
# What a lost or refused connection raises (and SQLite's "database is locked" past its busy timeout).
UNREACHABLE = (OperationalError, InterfaceError)


@dataclass(frozen=True)
class ServiceState:
    name: str
    ok: bool
    reason: str = ""

    def as_json(self) -> dict:
        return {"status": "ok" if self.ok else "error", **({"reason": self.reason} if self.reason else {})}


def first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0] if text else ''}".rstrip(": ")


def check_database() -> ServiceState:
    try:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DATABASE_ERRORS as error:
        # The next request opens a new connection rather than reuse the failed one.
        connection.close_if_unusable_or_obsolete()
        return ServiceState("database", False, f"{connection.vendor} database unreachable ({first_line(error)})")
    return ServiceState("database", True)


def check_search() -> ServiceState:
    backend = get_backend()
    try:
        if not backend.exists():
            return ServiceState("search", False, "no search index has been built: run `manage.py rebuild_index`")
        backend.generation()
    except IndexUnavailableError as error:
        return ServiceState("search", False, str(error))
    except DATABASE_ERRORS as error:
        return ServiceState("search", False, f"search tables unreachable ({first_line(error)})")
    return ServiceState("search", True)


def check_cache() -> ServiceState:
    probe = secrets.token_hex(8)
    try:
        cache.set("healthz:probe", probe, timeout=30)
        answered = cache.get("healthz:probe")
    except Exception as error:  # each cache backend raises its own (Redis: ConnectionError)
        return ServiceState("cache", False, f"cache unreachable ({first_line(error)})")
    if answered != probe:
        return ServiceState("cache", False, "the cache did not keep a value it was given")
    return ServiceState("cache", True)


def check_services() -> list[ServiceState]:
    return [check_database(), check_search(), check_cache()]

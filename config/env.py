"""Typed readers for settings that come from the environment."""

import os
import secrets
from pathlib import Path


def env_str(name: str, default: str = "") -> str:
    """The variable's value; unset or empty (as `.env.example` leaves optional ones) means the default."""
    value = os.environ.get(name)
    return default if value is None or value == "" else value


def env_int(name: str, default: int) -> int:
    value = env_str(name, str(default)).strip()
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not “{value}”.") from None


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    value = value.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    # A mistyped security switch must not quietly mean "off".
    raise ValueError(f"{name} must be 1/true/yes/on or 0/false/no/off, not “{value}”.")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_secret(name: str, keep_in: Path) -> str:
    """The secret from the environment, or one generated once and kept in the data dir.

    A constant in the repository would be shared by every installation.
    """
    value = os.environ.get(name)
    if value:
        return value
    keep_in.parent.mkdir(parents=True, exist_ok=True)
    if not keep_in.exists():
        keep_in.write_text(secrets.token_urlsafe(50))
        keep_in.chmod(0o600)
    return keep_in.read_text().strip()


def cache_from_url(url: str, default_dir: Path) -> dict:
    """A CACHES entry from CACHE_URL: redis://host:port/db (rediss:// too) is Django's own Redis cache,
    shared by every worker and server; locmem:// is one process's memory (tests); file:///path is a folder.

    Unset, the cache is a folder in the data dir, so the workers of one machine (`make run`) still share
    throttle counters, sign-in limits and cached pages.
    """
    if url.startswith(("redis://", "rediss://", "unix://")):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url, "KEY_PREFIX": "rulebook"}
    if url.startswith("locmem://"):
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": url[len("locmem://") :]}
    if url == "" or url.startswith("file://"):
        folder = url[len("file://") :] or str(default_dir)
        return {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": folder,
            # Django culls a third of the entries past MAX_ENTRIES; cached pages need room.
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    shown = url.split("@")[-1]  # never print a password
    raise ValueError(f"CACHE_URL must start with redis://, rediss://, unix://, file:// or locmem://, not “{shown}”.")

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
    return value.strip().lower() in {"1", "true", "yes", "on"}


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

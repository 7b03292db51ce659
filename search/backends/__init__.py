"""``get_backend(name)`` reads ``settings.SEARCH_BACKENDS`` (shaped like ``CACHES``): each entry's
``BACKEND`` is a module path whose ``Backend`` class implements ``search.backends.base.SearchBackend``."""

import threading
from importlib import import_module

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from search.backends.base import SearchBackend

_backends: dict[tuple, SearchBackend] = {}
_lock = threading.Lock()


def get_backend(name: str = "default") -> SearchBackend:
    """One backend object per configuration and process, so that it can keep its searcher open."""
    config = getattr(settings, "SEARCH_BACKENDS", {}).get(name)
    if config is None:
        raise ImproperlyConfigured(f"SEARCH_BACKENDS has no “{name}” backend.")
    params = {key: value for key, value in config.items() if key != "BACKEND"}
    cache_key = (name, config["BACKEND"], tuple(sorted((key, str(value)) for key, value in params.items())))
    backend = _backends.get(cache_key)
    if backend is None:
        with _lock:
            backend = _backends.get(cache_key)
            if backend is None:
                module = import_module(config["BACKEND"])
                backend = _backends[cache_key] = module.Backend(name, params)
    return backend


def backend_names(in_transaction: bool) -> list[str]:
    """The configured backends that saves keep up to date: those whose entries are written in the save's
    own transaction (``writes_in_transaction``), or (False) those the outbox updates after commit."""
    names = []
    for name, config in getattr(settings, "SEARCH_BACKENDS", {}).items():
        if not config.get("AUTO_UPDATE", True):
            continue
        if getattr(get_backend(name), "writes_in_transaction", False) == in_transaction:
            names.append(name)
    return names

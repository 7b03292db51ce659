"""The PostgreSQL backend (``BACKEND: "search.backends.postgres"``, ``SEARCH_BACKEND=postgres``): entries
in tables of the project's database, written in the saves' own transactions. Its tables are created by
the search app's migration; ``rebuild_index`` fills them."""

from search.backends.postgres.backend import Backend

__all__ = ["Backend"]

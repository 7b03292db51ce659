"""The embedded Whoosh backend (``BACKEND: "search.backends.whoosh"``). The only package that imports
whoosh.

Whoosh pickles names into the index (the analyzer and field formats into the schema, the codec into
each segment): renaming or moving ``analyzer.py`` or ``schema.py``'s classes needs a
``rebuild_index``, which the Makefile's index stamp runs when a file of this package changes. An
index whose pickled names no longer resolve, or whose fields differ from ``schema.build_schema()``'s,
raises ``IndexFormatError`` when opened.
"""

from search.backends.whoosh.backend import Backend

__all__ = ["Backend"]

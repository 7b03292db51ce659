"""The admin: the consultants' editor of the corpus, one module per model family.

Edits made here live in the database; `manage.py export_regulations` writes them back to the
corpus files. Model clean() methods and the forms (regulations.admin.forms) turn what the database
would refuse (a cycle in a provision tree, a parent in another document…) into field errors.

The five models with history (Document, Provision, Target, Relation, Annotation) use
simple-history's admin (regulations.admin.base): a history page per object, with reverting. Their
forms carry an optional change note, kept as the history record's change reason, and the revision
the editor loaded, so that an edit made on an outdated page is refused rather than silently undoing
someone else's (regulations.admin.locking). Markdown fields have a preview (regulations.admin.preview).
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy

# Imported for their @admin.register: each module registers the admins of its family.
from regulations.admin import annotations, documents, provisions, relations, taxonomy  # noqa: F401

admin.site.site_header = gettext_lazy("Rulebook editor")
admin.site.site_title = gettext_lazy("Rulebook editor")
admin.site.index_title = gettext_lazy("Corpus")

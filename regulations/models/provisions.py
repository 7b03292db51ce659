from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models, router, transaction
from django.db.models import Q
from django.utils.translation import gettext, gettext_lazy, gettext_noop, pgettext_lazy

from regulations import addresses
from regulations.models.documents import Document
from regulations.models.history import VersionHistory
from regulations.models.legal_events import LegalEvent
from regulations.models.numbering import long_reference, short_reference
from regulations.models.publication import Publication, ReaderQuerySet, Revisioned
from regulations.models.taxonomy import Industry
from regulations.models.validity import Status, Validity, validity_on

EID_RE = r"^[a-z]+_[a-z0-9]+(?:-[a-z0-9]+)*(?:__[a-z]+_[a-z0-9]+(?:-[a-z0-9]+)*)*$"
eid_validator = RegexValidator(
    EID_RE,
    gettext_lazy("An identifier is made of parts such as “part_2”, joined by “__” (e.g. part_2__sec_7__item_2)."),
)
MAX_TREE_DEPTH = 12
# Marked here, translated by tree_error() when it is shown: callers compare and log the English.
CYCLE_MESSAGE = gettext_noop("This would put the provision inside itself (a cycle in the tree).")
DEPTH_MESSAGE = gettext_noop("A document's tree may be at most %(levels)d levels deep.")
_UNKNOWN = object()


def tree_error(parents: dict, pk, parent_pk) -> str | None:
    """What is wrong with hanging provision `pk` below `parent_pk`, given every provision's parent, if anything.

    The one statement of the tree rule in Python (the database's triggers, regulations/db_triggers.py,
    enforce the same): no cycle, at most MAX_TREE_DEPTH levels."""
    levels, seen, node = 1, set(), parent_pk
    while node is not None:
        if (pk is not None and node == pk) or node in seen:  # the latter: a cycle the database would refuse
            return gettext(CYCLE_MESSAGE)
        seen.add(node)
        levels += 1
        if levels > MAX_TREE_DEPTH:
            return gettext(DEPTH_MESSAGE) % {"levels": MAX_TREE_DEPTH}
        node = parents.get(node)
    return None


class ProvisionQuerySet(ReaderQuerySet):
    def recompute_depths(self, document_id) -> int:
        """Set depth from the parent links of one document's tree (after moves); returns how many changed."""
        rows = list(self.filter(document_id=document_id).values_list("pk", "parent_id", "depth"))
        children: dict = {}
        for pk, parent_id, _ in rows:
            children.setdefault(parent_id, []).append(pk)
        depth_of, level, frontier = {}, 0, children.get(None, [])
        while frontier:
            depth_of.update(dict.fromkeys(frontier, level))
            frontier = [child for pk in frontier for child in children.get(pk, [])]
            level += 1
        stale = [Provision(pk=pk, depth=depth_of[pk]) for pk, _, old in rows if pk in depth_of and depth_of[pk] != old]
        Provision.objects.bulk_update(stale, ["depth"])
        return len(stale)

    def in_document_order(self):
        return self.order_by("document__slug", "position")

    def published(self):
        return self.filter(publication=Publication.PUBLISHED, document__publication=Publication.PUBLISHED)


class Provision(Revisioned):
    class Kind(models.TextChoices):
        GENERAL = "general", pgettext_lazy("provision kind", "General")
        PRINCIPLE = "principle", pgettext_lazy("provision kind", "Principle")
        TARGET = "target", pgettext_lazy("provision kind", "Target")
        MEASURE = "measure", pgettext_lazy("provision kind", "Measure")
        INDUSTRY_ACTION = "industry_action", pgettext_lazy("provision kind", "Industry action")
        PRODUCT_SUPPLY = "product_supply", pgettext_lazy("provision kind", "Product supply")
        POLICY_SUPPORT = "policy_support", pgettext_lazy("provision kind", "Policy support")
        ORGANISATION = "organisation", pgettext_lazy("provision kind", "Organisation and supervision")
        ARTICLE = "article", pgettext_lazy("provision kind", "Article")

    Status = Status  # derived from the document's legal events (regulations.models.validity)

    document = models.ForeignKey(
        Document, verbose_name=gettext_lazy("document"), on_delete=models.CASCADE, related_name="provisions"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=gettext_lazy("parent provision"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    eid = models.CharField(
        gettext_lazy("identifier"),
        max_length=200,
        validators=[eid_validator],
        help_text=gettext_lazy("Stable address within the document, e.g. part_2__sec_7__item_2. Never reuse one."),
    )
    position = models.PositiveIntegerField(gettext_lazy("position"), help_text=gettext_lazy("Place in document order."))
    depth = models.PositiveSmallIntegerField(gettext_lazy("depth"), default=0)
    num = models.CharField(
        gettext_lazy("number"), max_length=40, blank=True, help_text=gettext_lazy("As the document numbers it.")
    )
    kind = models.CharField(gettext_lazy("kind"), max_length=20, choices=Kind.choices)
    heading_en = models.CharField(gettext_lazy("English heading"), max_length=300)
    heading_zh = models.CharField(gettext_lazy("Chinese heading"), max_length=300, blank=True)
    heading_zh_note = models.CharField(gettext_lazy("note on the Chinese heading"), max_length=200, blank=True)
    heading_official_en = models.CharField(gettext_lazy("official English heading"), max_length=300, blank=True)
    articles = models.CharField(
        gettext_lazy("articles"), max_length=100, blank=True, help_text=gettext_lazy("Articles this part covers.")
    )
    text = models.TextField(
        gettext_lazy("text"), blank=True, help_text=gettext_lazy("Our summary of what it says, in Markdown.")
    )
    text_original = models.TextField(
        gettext_lazy("original text"),
        blank=True,
        help_text=gettext_lazy("The official wording (原文), in the document's language; Markdown."),
    )
    key_terms = models.JSONField(gettext_lazy("key terms"), default=list, blank=True)
    responsible_agencies = models.JSONField(gettext_lazy("responsible agencies"), default=list, blank=True)
    industries = models.ManyToManyField(
        Industry, verbose_name=gettext_lazy("industries"), blank=True, related_name="provisions"
    )
    verified = models.BooleanField(gettext_lazy("verified"), default=True)
    note = models.TextField(gettext_lazy("research note"), blank=True)
    details = models.JSONField(gettext_lazy("details"), default=dict, blank=True)
    publication = models.CharField(
        gettext_lazy("publication"), max_length=10, choices=Publication.choices, default=Publication.PUBLISHED
    )
    updated_at = models.DateTimeField(gettext_lazy("updated at"), auto_now=True)

    objects = ProvisionQuerySet.as_manager()
    history = VersionHistory(excluded_fields=["updated_at"], m2m_fields=[industries])

    class Meta:
        ordering = ["document", "position"]
        verbose_name = gettext_lazy("provision")
        verbose_name_plural = gettext_lazy("provisions")
        constraints = [
            models.UniqueConstraint(
                fields=["document", "eid"],
                name="unique_provision_eid",
                violation_error_message=gettext_lazy("This document already has a provision with this identifier."),
            ),
            models.CheckConstraint(
                condition=Q(eid__regex=EID_RE),
                name="provision_eid_format",
                violation_error_message=eid_validator.message,
            ),
            models.CheckConstraint(condition=~Q(parent=models.F("pk")), name="provision_not_own_parent"),
        ]
        indexes = [models.Index(fields=["document", "parent"])]

    def __str__(self):
        return f"{self.document.short_title} {self.reference}: {self.heading_en}"

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._saved_values = dict(zip(field_names, values, strict=True))
        return instance

    def changes_saved_values(self, *attnames: str) -> bool:
        """Whether a save now would change any of these plain columns from what the row held when loaded
        (or last saved through this instance); always for a new row. Read without a query, so that a save's
        signals can tell what it changes (a JSON value changed in place would read as unchanged)."""
        if self._state.adding or not hasattr(self, "_saved_values"):
            return True
        # A field deferred when loaded and never set is not saved either, so it cannot change.
        saved = {name: _UNKNOWN if value is models.DEFERRED else value for name, value in self._saved_values.items()}
        return any(self.__dict__.get(name, _UNKNOWN) != saved.get(name, _UNKNOWN) for name in attnames)

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)
        self._remember_saved_values(fields)

    def _remember_saved_values(self, names=None) -> None:
        """What the row holds now: every loaded column, or (``names``) those just read."""
        current = {
            field.attname: self.__dict__[field.attname]
            for field in self._meta.concrete_fields
            if field.attname in self.__dict__ and (names is None or {field.name, field.attname} & set(names))
        }
        self._saved_values = current if names is None else {**getattr(self, "_saved_values", {}), **current}

    def save(self, *args, **kwargs):
        # Depth follows the parent links here and nowhere else, whoever saves (admin, API, loader).
        moved = not self._state.adding and self.changes_saved_values("document_id", "parent_id")
        using = router.db_for_write(Provision, instance=self)
        with transaction.atomic(using=using, savepoint=False):
            if moved:
                self._lock_trees(using)
            if self._state.adding or moved:  # a new row has no children: its own depth is all that is new
                self.depth = self._depth_below_parent()
            super().save(*args, **kwargs)
            if moved:  # its subtree moved with it
                Provision.objects.recompute_depths(self.document_id)
                self.refresh_from_db(fields=["depth"])
            self._remember_saved_values()
            if self.publication == Publication.DRAFT:
                # A draft hides its parts too, so nothing published ever sits below a draft; each part is
                # saved on its own so that its history records the change.
                for child in self.children.exclude(publication=Publication.DRAFT):
                    child.publication = Publication.DRAFT
                    child._change_reason = f"Made a draft with {self.reference}"
                    child.save()

    def _lock_trees(self, using) -> None:
        """Moves within a document's tree take turns (its document's row locked until the commit): each
        trigger's walk up the tree (regulations.db_triggers) then sees the moves before it, so two moves
        cannot each make half of a cycle, and each recount of depths counts the tree as it now is."""
        before = getattr(self, "_saved_values", {}).get("document_id")  # the tree it leaves, if another
        documents = sorted({pk for pk in (self.document_id, before) if isinstance(pk, int)})
        list(Document.objects.using(using).select_for_update().filter(pk__in=documents).order_by("pk").values("pk"))

    def _depth_below_parent(self) -> int:
        if self.parent_id is None:
            return 0
        parent_depth = Provision.objects.filter(pk=self.parent_id).values_list("depth", flat=True).first()
        return 0 if parent_depth is None else parent_depth + 1

    def get_absolute_url(self):
        return addresses.provision_url(self.document.slug, self.eid)

    @property
    def anchor(self):
        return self.eid

    @property
    def reference(self) -> str:
        """The full number outside the document's outline: 2.7.2, Art. 12 (see regulations.models.numbering)."""
        return short_reference(self.eid, self.num)

    @property
    def long_reference(self) -> str:
        """The full number in words, for an English citation: Part 2, section (7), item 2."""
        return long_reference(self.eid, self.num)

    @property
    def effective_status(self) -> str:
        return self.validity().code

    def validity(self, day=None) -> Validity:
        """The provision's legal status on `day`: its document's, unless an amendment or repeal names it."""
        return validity_on(list(self.document.events.all()), day, provision=self)

    def clean(self):
        if self.parent_id is None:
            return
        if self.publication == Publication.PUBLISHED and self.parent.publication == Publication.DRAFT:
            raise ValidationError(
                {
                    "publication": gettext("Its parent %(parent)s is a draft: publish the parent first.")
                    % {"parent": self.parent.reference}
                }
            )
        if self.document_id and self.parent.document_id != self.document_id:
            raise ValidationError({"parent": gettext("The parent must belong to the same document.")})
        if not self.changes_saved_values("parent_id", "document_id"):
            return  # it stays where it hangs, in a tree the database's triggers keep to the same rule
        parents = dict(Provision.objects.filter(document_id=self.parent.document_id).values_list("pk", "parent_id"))
        message = tree_error(parents, self.pk, self.parent_id)
        if message:
            raise ValidationError({"parent": message})


def status_events(lookup: str = "events") -> models.Prefetch:
    """For ``prefetch_related`` at ``lookup``: a document's legal events, with which provisions each names and
    nothing else of those provisions, or of the documents that replaced it (what a status and the index read)."""
    named = models.Prefetch("provisions", queryset=Provision.objects.only("pk"))
    return models.Prefetch(lookup, queryset=LegalEvent.objects.prefetch_related(named))

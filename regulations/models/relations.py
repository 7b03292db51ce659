from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, gettext_lazy
from simple_history.models import HistoricalRecords

from regulations.models.documents import Document
from regulations.models.provisions import Provision
from regulations.models.publication import Publication, ReaderQuerySet, Revisioned


class RelationType(models.Model):
    slug = models.SlugField(gettext_lazy("slug"), unique=True)
    verb = models.CharField(gettext_lazy("verb"), max_length=60)
    reverse_verb = models.CharField(gettext_lazy("reverse verb"), max_length=60)
    symmetric = models.BooleanField(gettext_lazy("symmetric"), default=False)
    position = models.PositiveSmallIntegerField(gettext_lazy("position"), default=0)

    class Meta:
        ordering = ["position"]
        verbose_name = gettext_lazy("relation type")
        verbose_name_plural = gettext_lazy("relation types")

    def __str__(self):
        return self.verb


class RelationQuerySet(ReaderQuerySet):
    def with_ends(self):
        return self.select_related("type", "source_document", "source_provision", "target_document", "target_provision")

    def touching_document(self, document):
        return self.filter(Q(source_document=document) | Q(target_document=document))

    def published(self):
        """Relations whose ends are all published (a draft at either end hides the link)."""
        draft = Publication.DRAFT
        return (
            self.exclude(source_document__publication=draft)
            .exclude(target_document__publication=draft)
            .exclude(source_provision__publication=draft)
            .exclude(target_provision__publication=draft)
        )

    def with_light_ends(self):
        """with_ends(), loading only what a link to each end needs (no JSON fields, no texts)."""
        ends = []
        for side in ("source", "target"):
            ends += [f"{side}_document__{name}" for name in ("slug", "short_title", "title_en", "title_zh")]
            ends += [
                f"{side}_provision__{name}"
                for name in ("document_id", "parent_id", "eid", "num", "heading_en", "heading_zh", "position", "depth")
            ]
        return self.with_ends().only(
            "type", "source_document", "source_provision", "target_document", "target_provision",
            "note", "asserted_by", "asserted_on", "position", "type__slug", "type__verb", "type__reverse_verb",
            "type__symmetric", "type__position", *ends,
        )  # fmt: skip


class Relation(Revisioned):
    type = models.ForeignKey(
        RelationType, verbose_name=gettext_lazy("type"), on_delete=models.PROTECT, related_name="relations"
    )
    source_document = models.ForeignKey(
        Document,
        verbose_name=gettext_lazy("source document"),
        on_delete=models.CASCADE,
        related_name="outgoing_relations",
    )
    source_provision = models.ForeignKey(
        Provision,
        verbose_name=gettext_lazy("source provision"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="outgoing_relations",
    )
    target_document = models.ForeignKey(
        Document,
        verbose_name=gettext_lazy("target document"),
        on_delete=models.CASCADE,
        related_name="incoming_relations",
    )
    target_provision = models.ForeignKey(
        Provision,
        verbose_name=gettext_lazy("target provision"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="incoming_relations",
    )
    note = models.TextField(gettext_lazy("note"), blank=True)
    asserted_by = models.CharField(gettext_lazy("asserted by"), max_length=100, default="Rulebook research")
    asserted_on = models.DateField(gettext_lazy("asserted on"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(gettext_lazy("position"), default=0)

    objects = RelationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["source_document", "position"]
        verbose_name = gettext_lazy("relation")
        verbose_name_plural = gettext_lazy("relations")
        constraints = [
            models.UniqueConstraint(
                fields=["type", "source_document", "source_provision", "target_document", "target_provision"],
                name="unique_relation",
            ),
            models.CheckConstraint(
                condition=~Q(source_document=models.F("target_document"))
                | ~Q(source_provision=models.F("target_provision")),
                name="relation_not_to_itself",
            ),
        ]

    def __str__(self):
        return f"{self.source_label} {self.type.verb} {self.target_label}"

    @property
    def source_label(self):
        return self.source_provision or self.source_document

    @property
    def target_label(self):
        return self.target_provision or self.target_document

    def clean(self):
        if self.source_provision_id and self.source_provision.document_id != self.source_document_id:
            raise ValidationError({"source_provision": gettext("This provision is not in the source document.")})
        if self.target_provision_id and self.target_provision.document_id != self.target_document_id:
            raise ValidationError({"target_provision": gettext("This provision is not in the target document.")})

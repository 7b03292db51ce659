from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext, gettext_lazy
from simple_history.models import HistoricalRecords

from regulations.models.documents import Document
from regulations.models.provisions import Provision
from regulations.models.publication import Publication, ReaderQuerySet, Revisioned
from regulations.text.control_characters import xml_safe


class AnnotationQuerySet(ReaderQuerySet):
    def public(self):
        """What an anonymous reader may see: published, public, on published text."""
        return self.filter(
            visibility=Annotation.Visibility.PUBLIC,
            publication=Publication.PUBLISHED,
            document__publication=Publication.PUBLISHED,
        ).exclude(provision__publication=Publication.DRAFT)

    def published(self):
        return self.public()


class Annotation(Revisioned):
    """A consultant's dated note on a document or one of its provisions."""

    class Kind(models.TextChoices):
        AMENDMENT = "amendment", gettext_lazy("Amendment")
        IMPLEMENTATION = "implementation", gettext_lazy("Implementation status")
        INTERPRETATION = "interpretation", gettext_lazy("Interpretation")
        ENFORCEMENT = "enforcement", gettext_lazy("Enforcement")
        DEADLINE = "deadline", gettext_lazy("Deadline")
        NOTE = "note", gettext_lazy("Note")

    class Visibility(models.TextChoices):
        INTERNAL = "internal", gettext_lazy("Internal (signed-in staff)")
        PUBLIC = "public", gettext_lazy("Public")

    document = models.ForeignKey(
        Document,
        verbose_name=gettext_lazy("document"),
        blank=True,
        on_delete=models.CASCADE,
        related_name="annotations",
        help_text=gettext_lazy("Taken from the provision when one is chosen."),
    )
    provision = models.ForeignKey(
        Provision,
        verbose_name=gettext_lazy("provision"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="annotations",
    )
    kind = models.CharField(gettext_lazy("kind"), max_length=20, choices=Kind.choices, default=Kind.NOTE)
    title = models.CharField(gettext_lazy("title"), max_length=300)
    body = models.TextField(gettext_lazy("body"), help_text=gettext_lazy("Markdown."))
    effective_date = models.DateField(
        gettext_lazy("effective date"),
        null=True,
        blank=True,
        help_text=gettext_lazy("When what it records takes effect."),
    )
    source_url = models.URLField(gettext_lazy("source"), max_length=500, blank=True)
    visibility = models.CharField(
        gettext_lazy("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.INTERNAL
    )
    publication = models.CharField(
        gettext_lazy("publication"), max_length=10, choices=Publication.choices, default=Publication.PUBLISHED
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="annotations",
    )
    written_against_revision = models.PositiveIntegerField(
        gettext_lazy("written against revision"), null=True, blank=True, editable=False
    )
    written_against_at = models.DateTimeField(
        gettext_lazy("written against the text as of"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(gettext_lazy("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(gettext_lazy("updated at"), auto_now=True)

    objects = AnnotationQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-effective_date", "-created_at"]
        verbose_name = gettext_lazy("annotation")
        verbose_name_plural = gettext_lazy("annotations")
        indexes = [models.Index(fields=["document", "provision"])]
        permissions = [("view_internal", "Can read internal annotations and drafts")]

    def __str__(self):
        return xml_safe(self.title)  # stored titles may predate the refusal of control characters

    def save(self, *args, **kwargs):
        if self.provision_id and not self.document_id:
            self.document_id = self.provision.document_id
        if self.written_against_revision is None:
            # The text the consultant was reading: its revision and when that revision was recorded.
            subject = self.subject
            latest = subject.history.order_by("-history_date", "-history_id").first()
            self.written_against_revision = subject.revision
            self.written_against_at = latest.history_date if latest else None
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return self.subject.get_absolute_url() + f"#annotation-{self.pk}"

    def clean(self):
        if self.provision_id and not self.document_id:
            self.document_id = self.provision.document_id
        if not self.document_id:
            raise ValidationError(
                {"document": gettext("Choose the document or the provision this annotation is about.")}
            )
        if self.provision_id and self.provision.document_id != self.document_id:
            raise ValidationError({"provision": gettext("This provision is not in the chosen document.")})

    @property
    def subject(self):
        return self.provision or self.document

    @property
    def is_public(self):
        return self.visibility == self.Visibility.PUBLIC and self.publication == Publication.PUBLISHED

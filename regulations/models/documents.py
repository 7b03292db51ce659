from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from regulations import addresses
from regulations.models.history import VersionHistory
from regulations.models.publication import Publication, ReaderQuerySet, Revisioned
from regulations.models.taxonomy import Authority, Topic


class DocumentQuerySet(ReaderQuerySet):
    def published(self):
        return self.filter(publication=Publication.PUBLISHED)

    def for_browsing(self):
        """Listing data, with issuers in their stated order as `issuer_rows` (DocumentIssuer + authority)."""
        return self.prefetch_related(
            "topics",
            "dates",
            models.Prefetch(
                "documentissuer_set",
                queryset=DocumentIssuer.objects.select_related("authority").order_by("position"),
                to_attr="issuer_rows",
            ),
        )

    def for_detail(self):
        """for_browsing() plus both directions of supersession."""
        return (
            self.for_browsing()
            .select_related("superseded_by")
            .prefetch_related(models.Prefetch("supersedes", queryset=Document.objects.order_by("slug")))
        )


class Document(Revisioned):
    class Kind(models.TextChoices):
        PLAN = "plan", "Plan"
        ACTION_PLAN = "action_plan", "Action plan"
        OPINIONS = "opinions", "Opinions"
        REGULATION = "regulation", "Regulation"
        MEASURES = "measures", "Measures"
        PROVISIONS = "provisions", "Provisions"
        STANDARD_CONDITIONS = "standard_conditions", "Standard conditions"
        PILOT_SCHEME = "pilot_scheme", "Pilot scheme"
        NOTICE = "notice", "Notice"

    class Status(models.TextChoices):
        IN_FORCE = "in_force", "In force"
        AMENDED = "amended", "In force as amended"
        NOT_YET_IN_FORCE = "not_yet_in_force", "Not yet in force"
        SUPERSEDED = "superseded", "Superseded"
        REPEALED = "repealed", "Repealed"

    class Jurisdiction(models.TextChoices):
        CN = "CN", "China"
        EU = "EU", "European Union"

    slug = models.SlugField(max_length=100, unique=True)
    title_en = models.CharField("English title", max_length=500)
    title_zh = models.CharField("Chinese title", max_length=300, blank=True)
    title_note = models.TextField(blank=True)
    short_title = models.CharField(max_length=120)
    notice_title_en = models.CharField("issuing notice (English)", max_length=500, blank=True)
    notice_title_zh = models.CharField("issuing notice (Chinese)", max_length=300, blank=True)
    doc_number = models.CharField("document number", max_length=100, blank=True)
    doc_number_note = models.TextField("document number note", blank=True)
    doc_number_verified = models.BooleanField(default=True)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    form = models.CharField(max_length=200, blank=True, help_text="The instrument's form as issued, in words.")
    level = models.CharField("legal rank", max_length=200, blank=True)
    jurisdiction = models.CharField(max_length=5, choices=Jurisdiction.choices)
    language = models.CharField(max_length=10, default="zh")
    issuers = models.ManyToManyField(Authority, through="DocumentIssuer", related_name="documents")
    topics = models.ManyToManyField(Topic, related_name="documents")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.IN_FORCE)
    status_detail = models.CharField(max_length=200, blank=True)
    status_note = models.TextField(blank=True)
    status_verified = models.BooleanField(default=True)
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="supersedes"
    )
    dates_note = models.TextField(blank=True)
    summary = models.TextField(help_text="Markdown.")
    details = models.JSONField(
        default=dict,
        blank=True,
        help_text="Further researched facts (legal basis, implementing documents, editions…).",
    )
    sources = models.JSONField("official and research sources", default=list, blank=True)
    publication = models.CharField(max_length=10, choices=Publication.choices, default=Publication.PUBLISHED)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DocumentQuerySet.as_manager()
    history = VersionHistory(excluded_fields=["updated_at"], m2m_fields=[topics])

    class Meta:
        ordering = ["slug"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(superseded_by=models.F("pk")), name="document_not_superseded_by_itself"
            ),
            models.CheckConstraint(
                condition=Q(slug__regex=r"^[a-z0-9]+(-[a-z0-9]+)*$"),
                name="document_slug_format",
                violation_error_message="A slug is lower-case letters and digits in words joined by single hyphens.",
            ),
        ]

    def __str__(self):
        return self.short_title or self.title_en

    def get_absolute_url(self):
        return addresses.document_url(self.slug)

    def clean(self):
        if self.superseded_by_id and self.superseded_by_id == self.pk:
            raise ValidationError({"superseded_by": "A document cannot supersede itself."})
        if self.status == self.Status.SUPERSEDED and not self.superseded_by_id:
            raise ValidationError({"superseded_by": "Say which document supersedes this one."})

    @property
    def year(self):
        dated = [d.date for d in self.dates.all() if d.kind in DocumentDate.DOCUMENT_DATES]
        return min(dated).year if dated else None


class DocumentIssuer(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE)
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT)
    position = models.PositiveSmallIntegerField(default=0)
    role = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["document", "authority"], name="unique_document_issuer")]

    def __str__(self):
        return f"{self.authority} ({self.document})"


class DocumentDate(models.Model):
    """A dated event in a document's life; partial dates keep their precision."""

    class Kind(models.TextChoices):
        CONSULTATION_DRAFT = "consultation_draft", "Consultation draft"
        ADOPTED = "adopted", "Adopted"
        APPROVED = "approved", "Approved"
        SIGNED = "signed", "Signed"
        ISSUED = "issued", "Issued"
        PUBLISHED = "published", "Published"
        ENTRY_INTO_FORCE = "entry_into_force", "Entry into force"
        EFFECTIVE = "effective", "Effective"
        APPLIES_FROM = "applies_from", "Applies from"
        SUPERSEDED = "superseded", "Superseded"

    class Precision(models.TextChoices):
        DAY = "day", "Day"
        MONTH = "month", "Month"
        YEAR = "year", "Year"

    DOCUMENT_DATES = {"signed", "issued", "published", "adopted"}

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="dates")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    date = models.DateField()
    precision = models.CharField(max_length=5, choices=Precision.choices, default=Precision.DAY)
    verified = models.BooleanField(default=True)

    class Meta:
        ordering = ["date", "kind"]
        constraints = [models.UniqueConstraint(fields=["document", "kind"], name="unique_document_date_kind")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.display}"

    @property
    def display(self):
        if self.precision == self.Precision.YEAR:
            return f"{self.date:%Y}"
        if self.precision == self.Precision.MONTH:
            return f"{self.date:%B %Y}"
        return f"{self.date.day} {self.date:%B %Y}"

    @property
    def iso(self):
        length = {"year": 4, "month": 7}.get(self.precision, 10)
        return self.date.isoformat()[:length]

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy, pgettext_lazy

from regulations import addresses
from regulations.models.history import VersionHistory
from regulations.models.legal_events import LegalEvent
from regulations.models.publication import Publication, ReaderQuerySet, Revisioned
from regulations.models.taxonomy import Authority, Topic
from regulations.models.validity import Status, Validity, validity_on


class DocumentQuerySet(ReaderQuerySet):
    def published(self):
        return self.filter(publication=Publication.PUBLISHED)

    def with_events(self):
        """The legal events every status is derived from, with what they name."""
        return self.prefetch_related(
            models.Prefetch("events", queryset=LegalEvent.objects.select_related("by").prefetch_related("provisions"))
        )

    def for_browsing(self):
        """Listing data, with issuers in their stated order as `issuer_rows` (DocumentIssuer + authority)."""
        return self.with_events().prefetch_related(
            "topics",
            models.Prefetch(
                "documentissuer_set",
                queryset=DocumentIssuer.objects.select_related("authority").order_by("position"),
                to_attr="issuer_rows",
            ),
        )

    def for_detail(self):
        """for_browsing() plus the legal events of other documents that name this one (what it replaced)."""
        return self.for_browsing().prefetch_related(
            models.Prefetch(
                "events_by", queryset=LegalEvent.objects.select_related("document"), to_attr="events_naming"
            )
        )


class Document(Revisioned):
    class Kind(models.TextChoices):
        PLAN = "plan", pgettext_lazy("document kind", "Plan")
        ACTION_PLAN = "action_plan", pgettext_lazy("document kind", "Action plan")
        OPINIONS = "opinions", pgettext_lazy("document kind", "Opinions")
        REGULATION = "regulation", pgettext_lazy("document kind", "Regulation")
        MEASURES = "measures", pgettext_lazy("document kind", "Measures")
        PROVISIONS = "provisions", pgettext_lazy("document kind", "Provisions")
        STANDARD_CONDITIONS = "standard_conditions", pgettext_lazy("document kind", "Standard conditions")
        PILOT_SCHEME = "pilot_scheme", pgettext_lazy("document kind", "Pilot scheme")
        NOTICE = "notice", pgettext_lazy("document kind", "Notice")

    Status = Status  # the legal status on a day, derived from the events (regulations.models.validity)

    class Rank(models.TextChoices):
        """Where the instrument sits in the legal hierarchy, highest first."""

        LAW = "law", gettext_lazy("Law")
        ADMINISTRATIVE_REGULATION = "administrative_regulation", gettext_lazy("Administrative regulation")
        DEPARTMENTAL_RULE = "departmental_rule", gettext_lazy("Departmental rule")
        NORMATIVE_DOCUMENT = "normative_document", gettext_lazy("Normative document")
        PLAN = "plan", gettext_lazy("Plan or policy document")
        EU_REGULATION = "eu_regulation", gettext_lazy("EU regulation")

    class Jurisdiction(models.TextChoices):
        CN = "CN", gettext_lazy("China")
        EU = "EU", gettext_lazy("European Union")

    slug = models.SlugField(gettext_lazy("slug"), max_length=100, unique=True)
    title_en = models.CharField(gettext_lazy("English title"), max_length=500)
    title_zh = models.CharField(gettext_lazy("Chinese title"), max_length=300, blank=True)
    title_note = models.TextField(gettext_lazy("note on the title"), blank=True)
    short_title = models.CharField(gettext_lazy("short title"), max_length=120)
    alternative_titles = models.JSONField(
        gettext_lazy("alternative titles"),
        default=list,
        blank=True,
        help_text=gettext_lazy(
            "Other names the document goes by: English press renderings, common short names, Chinese "
            "short names (固废法). Search puts the document first when a query names it by one of them."
        ),
    )
    notice_title_en = models.CharField(gettext_lazy("issuing notice (English)"), max_length=500, blank=True)
    notice_title_zh = models.CharField(gettext_lazy("issuing notice (Chinese)"), max_length=300, blank=True)
    doc_number = models.CharField(gettext_lazy("document number"), max_length=100, blank=True)
    doc_number_note = models.TextField(gettext_lazy("document number note"), blank=True)
    doc_number_verified = models.BooleanField(gettext_lazy("document number verified"), default=True)
    kind = models.CharField(gettext_lazy("kind"), max_length=30, choices=Kind.choices)
    form = models.CharField(
        gettext_lazy("form"),
        max_length=200,
        blank=True,
        help_text=gettext_lazy("The instrument's form as issued, in words."),
    )
    rank = models.CharField(gettext_lazy("legal rank"), max_length=30, choices=Rank.choices, blank=True)
    level = models.CharField(gettext_lazy("legal rank in words"), max_length=200, blank=True)
    jurisdiction = models.CharField(gettext_lazy("jurisdiction"), max_length=5, choices=Jurisdiction.choices)
    language = models.CharField(gettext_lazy("language"), max_length=10, default="zh")
    issuers = models.ManyToManyField(
        Authority, verbose_name=gettext_lazy("issuers"), through="DocumentIssuer", related_name="documents"
    )
    topics = models.ManyToManyField(Topic, verbose_name=gettext_lazy("topics"), related_name="documents")
    status_note = models.TextField(gettext_lazy("note on its validity"), blank=True)
    dates_note = models.TextField(gettext_lazy("note on the dates"), blank=True)
    summary = models.TextField(gettext_lazy("summary"), help_text=gettext_lazy("Markdown."))
    details = models.JSONField(
        gettext_lazy("details"),
        default=dict,
        blank=True,
        help_text=gettext_lazy("Further researched facts (legal basis, implementing documents, editions…)."),
    )
    official_url = models.URLField(
        gettext_lazy("official publication"),
        max_length=500,
        blank=True,
        help_text=gettext_lazy("The issuer's site, the gazette, EUR-Lex."),
    )
    official_publisher = models.CharField(
        gettext_lazy("published officially by"),
        max_length=200,
        blank=True,
        help_text=gettext_lazy("e.g. EUR-Lex (Publications Office of the EU)"),
    )
    eli = models.URLField(
        gettext_lazy("ELI"),
        max_length=300,
        blank=True,
        help_text=gettext_lazy("European Legislation Identifier, if any."),
    )
    sources = models.JSONField(
        gettext_lazy("research sources"),
        default=list,
        blank=True,
        help_text=gettext_lazy("Secondary reports: reprints, news, translations."),
    )
    publication = models.CharField(
        gettext_lazy("publication"), max_length=10, choices=Publication.choices, default=Publication.PUBLISHED
    )
    updated_at = models.DateTimeField(gettext_lazy("updated at"), auto_now=True)

    objects = DocumentQuerySet.as_manager()
    history = VersionHistory(excluded_fields=["updated_at"], m2m_fields=[topics])

    class Meta:
        ordering = ["slug"]
        verbose_name = gettext_lazy("document")
        verbose_name_plural = gettext_lazy("documents")
        constraints = [
            models.CheckConstraint(
                condition=Q(slug__regex=r"^[a-z0-9]+(-[a-z0-9]+)*$"),
                name="document_slug_format",
                violation_error_message=gettext_lazy(
                    "A slug is lower-case letters and digits in words joined by single hyphens."
                ),
            ),
        ]

    def __str__(self):
        return self.short_title or self.title_en

    def get_absolute_url(self):
        return addresses.document_url(self.slug)

    def validity(self, day=None) -> Validity:
        """The document's legal status on `day` (today by default), from its events."""
        return validity_on(list(self.events.all()), day)

    @property
    def status(self) -> str:
        return self.validity().code

    def get_status_display(self) -> str:
        return self.validity().label

    @property
    def superseded_by(self) -> "Document | None":
        """The rule that replaces this one (reported or confirmed), if a replacement is recorded."""
        replaced = [event for event in self.events.all() if event.kind == LegalEvent.Kind.REPLACED and event.by_id]
        return replaced[-1].by if replaced else None

    @property
    def supersedes(self) -> list["Document"]:
        """The rules this one replaces (from their `replaced` events)."""
        naming = getattr(self, "events_naming", None)
        if naming is None:
            naming = LegalEvent.objects.filter(by=self).select_related("document")
        return sorted(
            {event.document for event in naming if event.kind == LegalEvent.Kind.REPLACED},
            key=lambda document: document.slug,
        )

    @property
    def year(self):
        dated = [event.date for event in self.events.all() if event.kind in LegalEvent.MAKING]
        return min(dated).year if dated else None


class DocumentIssuer(models.Model):
    document = models.ForeignKey(Document, verbose_name=gettext_lazy("document"), on_delete=models.CASCADE)
    authority = models.ForeignKey(Authority, verbose_name=gettext_lazy("authority"), on_delete=models.PROTECT)
    position = models.PositiveSmallIntegerField(gettext_lazy("position"), default=0)
    role = models.CharField(gettext_lazy("role"), max_length=100, blank=True)

    class Meta:
        ordering = ["position"]
        verbose_name = gettext_lazy("document issuer")
        verbose_name_plural = gettext_lazy("document issuers")
        constraints = [models.UniqueConstraint(fields=["document", "authority"], name="unique_document_issuer")]

    def __str__(self):
        return f"{self.authority} ({self.document})"

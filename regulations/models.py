from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from regulations.history import VersionHistory

# Akoma Ntoso style: components joined by "__", each "<type>_<number>", e.g. part_2__sec_7__item_2.
EID_RE = r"^[a-z]+_[a-z0-9]+(?:-[a-z0-9]+)*(?:__[a-z]+_[a-z0-9]+(?:-[a-z0-9]+)*)*$"
eid_validator = RegexValidator(
    EID_RE,
    "An identifier is made of parts such as “part_2”, joined by “__” (e.g. part_2__sec_7__item_2).",
)
MAX_TREE_DEPTH = 12


class Publication(models.TextChoices):
    """Editorial state: drafts are for signed-in staff only and reach no public channel."""

    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class ReaderQuerySet(models.QuerySet):
    def published(self):
        raise NotImplementedError

    def visible(self, drafts: bool):
        """Everything for a reader who may see drafts (signed-in staff), else what is published."""
        return self if drafts else self.published()


class Revisioned(models.Model):
    """A counter raised on every save, so that an edit based on an older revision can be refused."""

    revision = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            self.revision += 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "revision"}
        super().save(*args, **kwargs)


class Authority(models.Model):
    slug = models.SlugField(unique=True)
    abbreviation = models.CharField(max_length=30, blank=True)
    name_en = models.CharField("English name", max_length=200, blank=True)
    name_zh = models.CharField("Chinese name", max_length=200)
    short_name_zh = models.CharField("Chinese short name", max_length=100, blank=True)

    class Meta:
        ordering = ["abbreviation", "name_zh"]
        verbose_name_plural = "authorities"

    def __str__(self):
        return self.abbreviation or self.name_en or self.name_zh


class Topic(models.Model):
    slug = models.SlugField(unique=True)
    name_en = models.CharField("English name", max_length=100)
    name_zh = models.CharField("Chinese name", max_length=100, blank=True)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name_en"]

    def __str__(self):
        return self.name_en

    def get_absolute_url(self):
        return reverse("regulations:document-list") + f"?topic={self.slug}"


class Industry(models.Model):
    slug = models.SlugField(unique=True)
    name_en = models.CharField("English name", max_length=200)
    name_zh = models.CharField("Chinese name", max_length=100)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    position = models.PositiveIntegerField(default=0)
    aliases = models.JSONField(default=list, blank=True)
    gbt4754_divisions = models.JSONField("GB/T 4754-2017 divisions", default=list, blank=True)
    gbt4754_classes = models.JSONField("GB/T 4754-2017 groups or classes", default=list, blank=True)
    gbt4754_verified = models.BooleanField("GB/T 4754 codes verified", default=True)
    gbt4754_note = models.TextField("GB/T 4754 note", blank=True)
    isic_divisions = models.JSONField("ISIC Rev.4 divisions", default=list, blank=True)
    isic_classes = models.JSONField("ISIC Rev.4 classes", default=list, blank=True)
    isic_verified = models.BooleanField("ISIC codes verified", default=True)
    isic_note = models.TextField("ISIC note", blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["position"]
        verbose_name_plural = "industries"
        constraints = [models.CheckConstraint(condition=~Q(parent=models.F("pk")), name="industry_not_own_parent")]

    def __str__(self):
        return self.name_en

    def get_absolute_url(self):
        return reverse("regulations:industry-detail", args=[self.slug])

    def clean(self):
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk:
                raise ValidationError({"parent": "An industry cannot sit below itself."})
            ancestor = ancestor.parent


class DocumentQuerySet(ReaderQuerySet):
    def published(self):
        return self.filter(publication=Publication.PUBLISHED)

    def for_listing(self):
        return self.prefetch_related("issuers", "topics", "dates")

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
        return reverse("regulations:document-detail", args=[self.slug])

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
        GENERAL = "general", "General"
        PRINCIPLE = "principle", "Principle"
        TARGET = "target", "Target"
        MEASURE = "measure", "Measure"
        INDUSTRY_ACTION = "industry_action", "Industry action"
        PRODUCT_SUPPLY = "product_supply", "Product supply"
        POLICY_SUPPORT = "policy_support", "Policy support"
        ORGANISATION = "organisation", "Organisation and supervision"
        ARTICLE = "article", "Article"

    class Status(models.TextChoices):
        AS_DOCUMENT = "", "As the document"
        IN_FORCE = "in_force", "In force"
        AMENDED = "amended", "Amended"
        PARTLY_INVALID = "partly_invalid", "Partly invalid"
        REPEALED = "repealed", "Repealed"

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="provisions")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    eid = models.CharField(
        "identifier",
        max_length=200,
        validators=[eid_validator],
        help_text="Stable address within the document, e.g. part_2__sec_7__item_2. Never reuse one.",
    )
    position = models.PositiveIntegerField(help_text="Place in document order.")
    depth = models.PositiveSmallIntegerField(default=0)
    num = models.CharField("number", max_length=40, blank=True, help_text="As the document numbers it.")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    heading_en = models.CharField("English heading", max_length=300)
    heading_zh = models.CharField("Chinese heading", max_length=300, blank=True)
    heading_zh_note = models.CharField(max_length=200, blank=True)
    heading_official_en = models.CharField("official English heading", max_length=300, blank=True)
    articles = models.CharField(max_length=100, blank=True, help_text="Articles this part covers.")
    text = models.TextField(blank=True, help_text="Markdown.")
    key_terms = models.JSONField(default=list, blank=True)
    responsible_agencies = models.JSONField(default=list, blank=True)
    industries = models.ManyToManyField(Industry, blank=True, related_name="provisions")
    status = models.CharField(max_length=20, choices=Status.choices, blank=True, default="")
    verified = models.BooleanField(default=True)
    note = models.TextField("research note", blank=True)
    details = models.JSONField(default=dict, blank=True)
    publication = models.CharField(max_length=10, choices=Publication.choices, default=Publication.PUBLISHED)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProvisionQuerySet.as_manager()
    history = VersionHistory(excluded_fields=["updated_at"], m2m_fields=[industries])

    class Meta:
        ordering = ["document", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "eid"],
                name="unique_provision_eid",
                violation_error_message="This document already has a provision with this identifier.",
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
        return f"{self.document.short_title} {self.citation_number}: {self.heading_en}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        if self.publication == Publication.DRAFT:
            # A draft hides its parts too, so nothing published ever sits below a draft; each part is
            # saved on its own so that its history records the change.
            for child in self.children.exclude(publication=Publication.DRAFT):
                child.publication = Publication.DRAFT
                child._change_reason = f"Made a draft with {self.citation_number}"
                child.save()

    def get_absolute_url(self):
        return reverse("regulations:provision-detail", args=[self.document.slug, self.eid])

    @property
    def anchor(self):
        return self.eid

    @property
    def citation_number(self):
        return self.num or self.eid

    @property
    def effective_status(self):
        return self.status or self.document.status

    def get_effective_status_display(self):
        if self.status:
            return self.get_status_display()
        return self.document.get_status_display()

    def clean(self):
        if self.parent_id is None:
            return
        if self.publication == Publication.PUBLISHED and self.parent.publication == Publication.DRAFT:
            raise ValidationError(
                {"publication": f"Its parent {self.parent.citation_number} is a draft: publish the parent first."}
            )
        if self.document_id and self.parent.document_id != self.document_id:
            raise ValidationError({"parent": "The parent must belong to the same document."})
        ancestor, steps = self.parent, 0
        while ancestor is not None:
            if self.pk and ancestor.pk == self.pk:
                raise ValidationError({"parent": "This would put the provision inside itself (a cycle in the tree)."})
            steps += 1
            if steps >= MAX_TREE_DEPTH:
                raise ValidationError({"parent": f"A document's tree may be at most {MAX_TREE_DEPTH} levels deep."})
            ancestor = ancestor.parent


class TargetQuerySet(ReaderQuerySet):
    def published(self):
        return self.filter(
            provision__publication=Publication.PUBLISHED, provision__document__publication=Publication.PUBLISHED
        )


class Target(Revisioned):
    class Direction(models.TextChoices):
        DECREASE = "decrease", "Reduce"
        INCREASE = "increase", "Increase"
        REACH = "reach", "Reach"
        CAP = "cap", "Cap"
        PEAK = "peak", "Peak"

    provision = models.ForeignKey(Provision, on_delete=models.CASCADE, related_name="targets")
    position = models.PositiveSmallIntegerField(default=0)
    metric = models.CharField(max_length=300)
    metric_zh = models.CharField("metric (Chinese)", max_length=200, blank=True)
    scope = models.CharField(max_length=300, blank=True)
    baseline_year = models.PositiveSmallIntegerField(null=True, blank=True)
    baseline_value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    target_year = models.PositiveSmallIntegerField(null=True, blank=True)
    value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    unit = models.CharField(max_length=100, help_text="“qualitative” for goals without a figure.")
    comparison = models.CharField(
        max_length=60, blank=True, help_text="Wording that qualifies the value: at least, about, below…"
    )
    direction = models.CharField(max_length=10, choices=Direction.choices)
    description = models.TextField(blank=True)
    verified = models.BooleanField(default=True)
    note = models.TextField("research note", blank=True)

    objects = TargetQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["provision", "position"]
        constraints = [
            models.CheckConstraint(
                condition=Q(baseline_year__isnull=True)
                | Q(target_year__isnull=True)
                | Q(baseline_year__lte=models.F("target_year")),
                name="target_baseline_not_after_target_year",
            ),
        ]

    def __str__(self):
        return f"{self.metric} ({self.target_year or 'no year'})"

    @property
    def is_quantified(self):
        return self.value is not None

    @property
    def value_display(self):
        if self.value is None:
            return ""
        return f"{self.value.normalize():f}"


class RelationType(models.Model):
    slug = models.SlugField(unique=True)
    verb = models.CharField(max_length=60)
    reverse_verb = models.CharField(max_length=60)
    symmetric = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]

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
    type = models.ForeignKey(RelationType, on_delete=models.PROTECT, related_name="relations")
    source_document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="outgoing_relations")
    source_provision = models.ForeignKey(
        Provision,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="outgoing_relations",
    )
    target_document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="incoming_relations")
    target_provision = models.ForeignKey(
        Provision,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="incoming_relations",
    )
    note = models.TextField(blank=True)
    asserted_by = models.CharField(max_length=100, default="Rulebook research")
    asserted_on = models.DateField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    objects = RelationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["source_document", "position"]
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
            raise ValidationError({"source_provision": "This provision is not in the source document."})
        if self.target_provision_id and self.target_provision.document_id != self.target_document_id:
            raise ValidationError({"target_provision": "This provision is not in the target document."})


class GlossaryTerm(models.Model):
    slug = models.SlugField(unique=True)
    term_en = models.CharField("English term", max_length=200)
    term_zh = models.CharField("Chinese term", max_length=100, blank=True)
    abbreviations = models.JSONField(default=list, blank=True)
    synonyms_en = models.JSONField("English synonyms", default=list, blank=True)
    synonyms_zh = models.JSONField("Chinese synonyms", default=list, blank=True)
    definition = models.TextField(blank=True)
    note = models.TextField(blank=True)
    see_provisions = models.ManyToManyField(Provision, blank=True, related_name="glossary_terms")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "term_en"]

    def __str__(self):
        return self.term_en

    def get_absolute_url(self):
        return reverse("regulations:glossary") + f"#{self.slug}"

    @property
    def all_names(self):
        names = [self.term_en, self.term_zh, *self.abbreviations, *self.synonyms_en, *self.synonyms_zh]
        return [name for name in names if name]


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
        AMENDMENT = "amendment", "Amendment"
        IMPLEMENTATION = "implementation", "Implementation status"
        INTERPRETATION = "interpretation", "Interpretation"
        ENFORCEMENT = "enforcement", "Enforcement"
        DEADLINE = "deadline", "Deadline"
        NOTE = "note", "Note"

    class Visibility(models.TextChoices):
        INTERNAL = "internal", "Internal (signed-in staff)"
        PUBLIC = "public", "Public"

    document = models.ForeignKey(
        Document,
        blank=True,
        on_delete=models.CASCADE,
        related_name="annotations",
        help_text="Taken from the provision when one is chosen.",
    )
    provision = models.ForeignKey(
        Provision, null=True, blank=True, on_delete=models.CASCADE, related_name="annotations"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.NOTE)
    title = models.CharField(max_length=300)
    body = models.TextField(help_text="Markdown.")
    effective_date = models.DateField(null=True, blank=True, help_text="When what it records takes effect.")
    source_url = models.URLField("source", max_length=500, blank=True)
    visibility = models.CharField(max_length=10, choices=Visibility.choices, default=Visibility.INTERNAL)
    publication = models.CharField(max_length=10, choices=Publication.choices, default=Publication.PUBLISHED)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="annotations"
    )
    written_against_revision = models.PositiveIntegerField(null=True, blank=True, editable=False)
    written_against_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AnnotationQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-effective_date", "-created_at"]
        indexes = [models.Index(fields=["document", "provision"])]
        permissions = [("view_internal", "Can read internal annotations and drafts")]

    def __str__(self):
        return self.title

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
            raise ValidationError({"document": "Choose the document or the provision this annotation is about."})
        if self.provision_id and self.provision.document_id != self.document_id:
            raise ValidationError({"provision": "This provision is not in the chosen document."})

    @property
    def subject(self):
        return self.provision or self.document

    @property
    def is_public(self):
        return self.visibility == self.Visibility.PUBLIC and self.publication == Publication.PUBLISHED

"""The law's own life: dated legal events of a document (and of the provisions an event names).

A document's status on any day is derived from these events (regulations.models.validity), never stored, so
it cannot go stale: an adoption, an entry into force, an amendment, a replacement or an expiry is recorded
once, with its instrument, its date's precision and whether it is confirmed.
"""

import calendar
import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy
from simple_history.models import HistoricalRecords


class LegalEvent(models.Model):
    class Kind(models.TextChoices):
        CONSULTATION_DRAFT = "consultation_draft", pgettext_lazy("legal event", "Draft for consultation")
        ADOPTED = "adopted", pgettext_lazy("legal event", "Adopted")
        APPROVED = "approved", pgettext_lazy("legal event", "Approved")
        SIGNED = "signed", pgettext_lazy("legal event", "Signed")
        PROMULGATED = "promulgated", pgettext_lazy("legal event", "Promulgated")
        ISSUED = "issued", pgettext_lazy("legal event", "Issued")
        PUBLISHED = "published", pgettext_lazy("legal event", "Published")
        ENTRY_INTO_FORCE = "entry_into_force", pgettext_lazy("legal event", "Entry into force")
        APPLIES_FROM = "applies_from", pgettext_lazy("legal event", "Applies from")
        AMENDED = "amended", pgettext_lazy("legal event", "Amended")
        PARTLY_REPEALED = "partly_repealed", pgettext_lazy("legal event", "Partly repealed")
        REPEALED = "repealed", pgettext_lazy("legal event", "Repealed")
        REPLACED = "replaced", pgettext_lazy("legal event", "Replaced")
        EXPIRES = "expires", pgettext_lazy("legal event", "Expires")

    class Precision(models.TextChoices):
        DAY = "day", gettext_lazy("Day")
        MONTH = "month", gettext_lazy("Month")
        YEAR = "year", gettext_lazy("Year")

    # The events that make a document (its date of issue is the earliest of them).
    MAKING = {Kind.ADOPTED, Kind.APPROVED, Kind.SIGNED, Kind.PROMULGATED, Kind.ISSUED, Kind.PUBLISHED}
    TAKING_EFFECT = {Kind.ENTRY_INTO_FORCE, Kind.APPLIES_FROM}
    ENDING = {Kind.REPEALED, Kind.REPLACED, Kind.EXPIRES}
    CHANGING = {Kind.AMENDED, Kind.PARTLY_REPEALED}

    document = models.ForeignKey(
        "regulations.Document", verbose_name=gettext_lazy("document"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(gettext_lazy("kind of event"), max_length=30, choices=Kind.choices)
    date = models.DateField(
        gettext_lazy("date"),
        help_text=gettext_lazy("When it happens or takes effect; a partial date is its first day."),
    )
    precision = models.CharField(
        gettext_lazy("precision of the date"), max_length=5, choices=Precision.choices, default=Precision.DAY
    )
    instrument = models.CharField(
        gettext_lazy("instrument"),
        max_length=300,
        blank=True,
        help_text=gettext_lazy("The instrument that does it: an order, a decision, a notice number."),
    )
    by = models.ForeignKey(
        "regulations.Document",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events_by",
        verbose_name=gettext_lazy("by (document in Rulebook)"),
        help_text=gettext_lazy("The amending or replacing document, when it is in Rulebook."),
    )
    provisions = models.ManyToManyField(
        "regulations.Provision",
        verbose_name=gettext_lazy("provisions"),
        blank=True,
        related_name="legal_events",
        help_text=gettext_lazy(
            "The provisions it affects (an amendment, a partial repeal); none for the whole document."
        ),
    )
    verified = models.BooleanField(
        gettext_lazy("verified"), default=True, help_text=gettext_lazy("Unticked: reported or resting on one source.")
    )
    note = models.TextField(gettext_lazy("note"), blank=True)
    source_url = models.URLField(gettext_lazy("source"), max_length=500, blank=True)
    position = models.PositiveSmallIntegerField(
        gettext_lazy("position"), default=0, help_text=gettext_lazy("Order among events on the same date.")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = gettext_lazy("legal events")
        ordering = ["date", "position", "pk"]
        verbose_name = gettext_lazy("legal event")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(by=models.F("document")),
                name="legal_event_not_by_its_own_document",
                violation_error_message=gettext_lazy("A document cannot amend or replace itself."),
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.display}"

    def clean(self):
        if self.by_id and self.by_id == self.document_id:
            raise ValidationError({"by": gettext("A document cannot amend or replace itself.")})
        if self.kind == self.Kind.REPLACED and not (self.by_id or self.instrument):
            raise ValidationError({"by": gettext("Say what replaces it: a document in Rulebook, or the instrument.")})

    @property
    def display(self) -> str:
        if self.precision == self.Precision.YEAR:
            return f"{self.date:%Y}"
        if self.precision == self.Precision.MONTH:
            return date_format(self.date, "YEAR_MONTH_FORMAT")
        return date_format(self.date)

    @property
    def iso(self) -> str:
        length = {"year": 4, "month": 7}.get(self.precision, 10)
        return self.date.isoformat()[:length]

    @property
    def last_day(self) -> datetime.date:
        """The last day the date may mean: 2023 (a year) → 31 December 2023."""
        if self.precision == self.Precision.YEAR:
            return self.date.replace(month=12, day=31)
        if self.precision == self.Precision.MONTH:
            return self.date.replace(day=calendar.monthrange(self.date.year, self.date.month)[1])
        return self.date

    @property
    def effective_from(self) -> datetime.date:
        """The first day on which the event has happened: an expiry takes effect after its period ends."""
        if self.kind == self.Kind.EXPIRES:
            return self.last_day + datetime.timedelta(days=1)
        return self.date

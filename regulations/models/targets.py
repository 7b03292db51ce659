from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy
from simple_history.models import HistoricalRecords

from regulations.models.provisions import Provision
from regulations.models.publication import Publication, ReaderQuerySet, Revisioned

# A target's figure, in the order every export, table and form shows it; then what qualifies it.
TARGET_FIGURE_FIELDS = [
    "metric", "metric_zh", "scope", "baseline_year", "baseline_value", "target_year", "value", "unit", "comparison",
    "direction",
]  # fmt: skip
TARGET_FIELDS = [*TARGET_FIGURE_FIELDS, "description", "verified", "note"]


class TargetQuerySet(ReaderQuerySet):
    def published(self):
        return self.filter(
            provision__publication=Publication.PUBLISHED, provision__document__publication=Publication.PUBLISHED
        )


class Target(Revisioned):
    class Direction(models.TextChoices):
        DECREASE = "decrease", gettext_lazy("Reduce")
        INCREASE = "increase", gettext_lazy("Increase")
        REACH = "reach", gettext_lazy("Reach")
        CAP = "cap", gettext_lazy("Cap")
        PEAK = "peak", gettext_lazy("Peak")

    provision = models.ForeignKey(
        Provision, verbose_name=gettext_lazy("provision"), on_delete=models.CASCADE, related_name="targets"
    )
    position = models.PositiveSmallIntegerField(gettext_lazy("position"), default=0)
    metric = models.CharField(gettext_lazy("metric"), max_length=300)
    metric_zh = models.CharField(gettext_lazy("metric (Chinese)"), max_length=200, blank=True)
    scope = models.CharField(gettext_lazy("scope"), max_length=300, blank=True)
    baseline_year = models.PositiveSmallIntegerField(gettext_lazy("baseline year"), null=True, blank=True)
    baseline_value = models.DecimalField(
        gettext_lazy("baseline value"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    target_year = models.PositiveSmallIntegerField(gettext_lazy("target year"), null=True, blank=True)
    value = models.DecimalField(gettext_lazy("value"), max_digits=14, decimal_places=4, null=True, blank=True)
    unit = models.CharField(
        gettext_lazy("unit"), max_length=100, help_text=gettext_lazy("“qualitative” for goals without a figure.")
    )
    comparison = models.CharField(
        gettext_lazy("comparison"),
        max_length=60,
        blank=True,
        help_text=gettext_lazy("Wording that qualifies the value: at least, about, below…"),
    )
    direction = models.CharField(gettext_lazy("direction"), max_length=10, choices=Direction.choices)
    description = models.TextField(gettext_lazy("description"), blank=True)
    verified = models.BooleanField(gettext_lazy("verified"), default=True)
    note = models.TextField(gettext_lazy("research note"), blank=True)

    objects = TargetQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["provision", "position"]
        verbose_name = gettext_lazy("target")
        verbose_name_plural = gettext_lazy("targets")
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
    def value_display(self):
        if self.value is None:
            return ""
        return f"{self.value.normalize():f}"

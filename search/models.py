import time

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import DatabaseError, models
from django.utils.translation import gettext_lazy

from search.fields import TEXT_FIELDS

_boost = [MinValueValidator(0.0), MaxValueValidator(50.0)]


class RankingSettings(models.Model):
    """Ranking weights that consultants tune in the admin; there is one row (pk 1)."""

    boost_num = models.FloatField(gettext_lazy("number boost"), default=TEXT_FIELDS["num"], validators=_boost)
    boost_heading = models.FloatField(gettext_lazy("heading boost"), default=TEXT_FIELDS["heading"], validators=_boost)
    boost_glossary = models.FloatField(
        gettext_lazy("glossary and key terms boost"), default=TEXT_FIELDS["glossary"], validators=_boost
    )
    boost_title = models.FloatField(
        gettext_lazy("document title boost"), default=TEXT_FIELDS["title"], validators=_boost
    )
    boost_body = models.FloatField(gettext_lazy("text boost"), default=TEXT_FIELDS["body"], validators=_boost)
    boost_meta = models.FloatField(
        gettext_lazy("industry, topic and kind boost"), default=TEXT_FIELDS["meta"], validators=_boost
    )
    any_word_fallback = models.BooleanField(
        gettext_lazy("fall back to any word"),
        default=True,
        help_text=gettext_lazy("When no entry has all the words, show entries with any of them."),
    )
    snippet_length = models.PositiveSmallIntegerField(
        gettext_lazy("snippet length"),
        default=200,
        validators=[MinValueValidator(60), MaxValueValidator(1000)],
        help_text=gettext_lazy("Characters."),
    )
    page_size = models.PositiveSmallIntegerField(
        gettext_lazy("results per page"), default=10, validators=[MinValueValidator(5), MaxValueValidator(100)]
    )

    class Meta:
        verbose_name = gettext_lazy("ranking settings")
        verbose_name_plural = gettext_lazy("ranking settings")

    def __str__(self):
        return "Ranking settings"

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)
        _cache.clear()

    def boosts(self) -> dict[str, float]:
        return {name: getattr(self, f"boost_{name}") for name in TEXT_FIELDS}


_cache: dict[str, tuple[float, RankingSettings]] = {}
CACHE_SECONDS = 5.0


def get_ranking() -> RankingSettings:
    """The settings row, re-read at most every few seconds (edits reach every process quickly)."""
    now = time.monotonic()
    cached = _cache.get("ranking")
    if cached is not None and now - cached[0] < CACHE_SECONDS:
        return cached[1]
    try:
        ranking = RankingSettings.objects.filter(pk=1).first() or RankingSettings()
    except DatabaseError:  # before migrate
        ranking = RankingSettings()
    _cache["ranking"] = (now, ranking)
    return ranking


class PendingIndexUpdate(models.Model):
    """An index entry to bring up to date (the outbox): written in the transaction of the save that
    changed it, so that a committed save is never forgotten by the index, and applied after the commit
    by one writer at a time (``search.outbox``). A row stays until it has been applied; a failure is
    kept on it and retried later."""

    key = models.CharField(gettext_lazy("key"), max_length=64)
    created = models.DateTimeField(gettext_lazy("created"), auto_now_add=True)
    attempts = models.PositiveIntegerField(gettext_lazy("attempts"), default=0)
    last_error = models.TextField(gettext_lazy("last error"), blank=True)
    retry_after = models.DateTimeField(gettext_lazy("retry after"), null=True, blank=True)

    class Meta:
        verbose_name_plural = gettext_lazy("pending index updates")
        verbose_name = gettext_lazy("pending index update")
        indexes = [models.Index(fields=["retry_after"], name="search_pending_retry_after")]

    def __str__(self):
        return self.key


class StatusDay(models.Model):
    """The day for which the index's entries last derived their rules' statuses (one row, pk 1).

    A status changes when a legal event takes effect, on its date, with no save to reindex anything; on the
    first search of a later day the entries of the rules whose status changed in between are refreshed
    (``search.statuses``)."""

    day = models.DateField(gettext_lazy("day"))

    class Meta:
        verbose_name_plural = gettext_lazy("days of the indexed statuses")
        verbose_name = gettext_lazy("day of the indexed statuses")

    def __str__(self):
        return f"Statuses as of {self.day:%Y-%m-%d}"


class CatalogVersion(models.Model):
    """Which state of what the search catalog reads (search.catalog: document names, numbers and statuses,
    provision numbers and headings, the glossary, industry and topic names) the database holds; there is one
    row (pk 1). A commit that changed any of it replaces the token, and every process rebuilds its catalog on
    its next search: only then, not after every index write, and on every server alike."""

    token = models.CharField(gettext_lazy("token"), max_length=32)

    class Meta:
        verbose_name = gettext_lazy("catalog version")
        verbose_name_plural = gettext_lazy("catalog versions")

    def __str__(self) -> str:
        return f"search catalog {self.token}"

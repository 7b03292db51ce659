from django.db import models
from django.utils.translation import gettext_lazy


class PageGeneration(models.Model):
    """The generation of one scope of cached pages (regulations.site.page_cache): a cached page is stored under the
    generations of the scopes it shows, and a save replaces those of the scopes it changed.

    Kept in the database, not in the cache beside the pages: a cache that is down, flushed or restored from an old
    snapshot can then lose pages but never bring back one that a save has since made stale.
    """

    scope = models.CharField(gettext_lazy("scope"), max_length=255, primary_key=True)
    token = models.CharField(gettext_lazy("token"), max_length=32)

    class Meta:
        verbose_name = gettext_lazy("page generation")
        verbose_name_plural = gettext_lazy("page generations")

    def __str__(self) -> str:
        return f"{self.scope} @ {self.token}"

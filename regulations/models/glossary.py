from django.db import models
from django.utils.translation import gettext_lazy

from regulations import addresses
from regulations.models.provisions import Provision


class GlossaryTerm(models.Model):
    slug = models.SlugField(gettext_lazy("slug"), unique=True)
    term_en = models.CharField(gettext_lazy("English term"), max_length=200)
    term_zh = models.CharField(gettext_lazy("Chinese term"), max_length=100, blank=True)
    abbreviations = models.JSONField(gettext_lazy("abbreviations"), default=list, blank=True)
    synonyms_en = models.JSONField(gettext_lazy("English synonyms"), default=list, blank=True)
    synonyms_zh = models.JSONField(gettext_lazy("Chinese synonyms"), default=list, blank=True)
    definition = models.TextField(gettext_lazy("definition"), blank=True)
    note = models.TextField(gettext_lazy("note"), blank=True)
    see_provisions = models.ManyToManyField(
        Provision, verbose_name=gettext_lazy("see provisions"), blank=True, related_name="glossary_terms"
    )
    position = models.PositiveIntegerField(gettext_lazy("position"), default=0)

    class Meta:
        ordering = ["position", "term_en"]
        verbose_name = gettext_lazy("glossary term")
        verbose_name_plural = gettext_lazy("glossary terms")

    def __str__(self):
        return self.term_en

    def get_absolute_url(self):
        return addresses.glossary_url(self.slug)

    NAME_FIELDS = ("term_en", "term_zh", "abbreviations", "synonyms_en", "synonyms_zh")  # what all_names reads

    @property
    def all_names(self):
        names = [self.term_en, self.term_zh, *self.abbreviations, *self.synonyms_en, *self.synonyms_zh]
        return [name for name in names if name]

"""What documents are filed under: issuing authorities, topics and the plan's industry taxonomy."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, gettext_lazy

from regulations import addresses


class Authority(models.Model):
    slug = models.SlugField(gettext_lazy("slug"), unique=True)
    abbreviation = models.CharField(gettext_lazy("abbreviation"), max_length=30, blank=True)
    name_en = models.CharField(gettext_lazy("English name"), max_length=200, blank=True)
    name_zh = models.CharField(gettext_lazy("Chinese name"), max_length=200)
    short_name_zh = models.CharField(gettext_lazy("Chinese short name"), max_length=100, blank=True)

    class Meta:
        verbose_name = gettext_lazy("authority")
        ordering = ["abbreviation", "name_zh"]
        verbose_name_plural = gettext_lazy("authorities")

    def __str__(self):
        return self.abbreviation or self.name_en or self.name_zh


class Topic(models.Model):
    slug = models.SlugField(gettext_lazy("slug"), unique=True)
    name_en = models.CharField(gettext_lazy("English name"), max_length=100)
    name_zh = models.CharField(gettext_lazy("Chinese name"), max_length=100, blank=True)
    description = models.TextField(gettext_lazy("description"), blank=True)
    position = models.PositiveSmallIntegerField(gettext_lazy("position"), default=0)

    class Meta:
        ordering = ["position", "name_en"]
        verbose_name = gettext_lazy("topic")
        verbose_name_plural = gettext_lazy("topics")

    def __str__(self):
        return self.name_en

    def get_absolute_url(self):
        return addresses.document_list_url(topic=self.slug)


class Industry(models.Model):
    slug = models.SlugField(gettext_lazy("slug"), unique=True)
    name_en = models.CharField(gettext_lazy("English name"), max_length=200)
    name_zh = models.CharField(gettext_lazy("Chinese name"), max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name=gettext_lazy("parent industry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    position = models.PositiveIntegerField(gettext_lazy("position"), default=0)
    aliases = models.JSONField(gettext_lazy("aliases"), default=list, blank=True)
    gbt4754_divisions = models.JSONField(gettext_lazy("GB/T 4754-2017 divisions"), default=list, blank=True)
    gbt4754_classes = models.JSONField(gettext_lazy("GB/T 4754-2017 groups or classes"), default=list, blank=True)
    gbt4754_verified = models.BooleanField(gettext_lazy("GB/T 4754 codes verified"), default=True)
    gbt4754_note = models.TextField(gettext_lazy("GB/T 4754 note"), blank=True)
    isic_divisions = models.JSONField(gettext_lazy("ISIC Rev.4 divisions"), default=list, blank=True)
    isic_classes = models.JSONField(gettext_lazy("ISIC Rev.4 classes"), default=list, blank=True)
    isic_verified = models.BooleanField(gettext_lazy("ISIC codes verified"), default=True)
    isic_note = models.TextField(gettext_lazy("ISIC note"), blank=True)
    note = models.TextField(gettext_lazy("note"), blank=True)

    class Meta:
        verbose_name = gettext_lazy("industry")
        ordering = ["position"]
        verbose_name_plural = gettext_lazy("industries")
        constraints = [models.CheckConstraint(condition=~Q(parent=models.F("pk")), name="industry_not_own_parent")]

    def __str__(self):
        return self.name_en

    def get_absolute_url(self):
        return addresses.industry_url(self.slug)

    def clean(self):
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk:
                raise ValidationError({"parent": gettext("An industry cannot sit below itself.")})
            ancestor = ancestor.parent

"""Editorial state shared by the reader-facing models: drafts, and a revision counter for optimistic locking."""

from django.db import models
from django.utils.translation import gettext_lazy


class Publication(models.TextChoices):
    """Editorial state: drafts are for signed-in staff only and reach no public channel."""

    DRAFT = "draft", gettext_lazy("Draft")
    PUBLISHED = "published", gettext_lazy("Published")


class ReaderQuerySet(models.QuerySet):
    def published(self):
        raise NotImplementedError

    def visible(self, drafts: bool):
        """Everything for a reader who may see drafts (signed-in staff), else what is published."""
        return self if drafts else self.published()


class Revisioned(models.Model):
    """A counter raised on every save, so that an edit based on an older revision can be refused."""

    revision = models.PositiveIntegerField(gettext_lazy("revision"), default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            self.revision += 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "revision"}
        super().save(*args, **kwargs)

"""django-simple-history, recording a save and the links set right after it as one version.

Django saves an object first and its many-to-many links after (admin forms, serializers, the
corpus loader). simple-history would record a version for the save and one more for every link
change, the ones in between with half the links. Here a link change goes into the version the
object's last save recorded, so one edit is one version; links changed without a save start a
version of their own.
"""

from django.dispatch import receiver
from simple_history import utils
from simple_history.models import HistoricalRecords
from simple_history.signals import (
    post_create_historical_m2m_records,
    post_create_historical_record,
    pre_create_historical_m2m_records,
)

LINK_ACTIONS = {"post_add", "post_remove", "post_clear"}


class VersionHistory(HistoricalRecords):
    def m2m_changed(self, instance, action, attr, pk_set, reverse, **kwargs):
        version = getattr(instance, "_last_version", None)
        if reverse or action not in LINK_ACTIONS or hasattr(instance, "skip_history_when_saving"):
            return super().m2m_changed(instance, action, attr, pk_set, reverse, **kwargs)
        if version is None:
            return super().m2m_changed(instance, action, attr, pk_set, reverse, **kwargs)
        for field in version._history_m2m_fields:
            self.m2m_models[field].objects.filter(history=version).delete()
        self.create_historical_record_m2ms(version, instance)

    def create_historical_record_m2ms(self, history_instance, instance):
        """simple-history's, reading the links' ids only: it rebuilds the saved row from its version just to
        name the link table (a query for what versions leave out, updated_at) and reads every link with both
        its rows whole, on every save."""
        for field in history_instance._history_m2m_fields:
            version_links = self.m2m_models[field]
            through = field.remote_field.through
            columns = [f.attname for f in through._meta.fields]
            rows = through.objects.filter(**{utils.get_m2m_field_name(field): instance}).values_list(*columns)
            links = [version_links(history=history_instance, **dict(zip(columns, row, strict=True))) for row in rows]
            signal = {"sender": version_links, "history_instance": history_instance, "instance": instance}
            pre_create_historical_m2m_records.send(rows=links, field=field, **signal)
            created = version_links.objects.bulk_create(links)
            post_create_historical_m2m_records.send(created_rows=created, field=field, **signal)


@receiver(post_create_historical_record)
def _remember_last_version(sender, instance, history_instance, **kwargs):
    instance._last_version = history_instance

"""django-simple-history, recording a save and the links set right after it as one version.

Django saves an object first and its many-to-many links after (admin forms, serializers, the
corpus loader). simple-history would record a version for the save and one more for every link
change, the ones in between with half the links. Here a link change goes into the version the
object's last save recorded, so one edit is one version; links changed without a save start a
version of their own.
"""

from django.dispatch import receiver
from simple_history.models import HistoricalRecords
from simple_history.signals import post_create_historical_record

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


@receiver(post_create_historical_record)
def _remember_last_version(sender, instance, history_instance, **kwargs):
    instance._last_version = history_instance

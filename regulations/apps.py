from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy


def _reinstall_triggers(sender, using, **kwargs):
    from django.db import connections

    from regulations.db_triggers import install_provision_tree_triggers

    install_provision_tree_triggers(connections[using])


class RegulationsConfig(AppConfig):
    name = "regulations"
    verbose_name = gettext_lazy("Regulations")

    def ready(self):
        post_migrate.connect(_reinstall_triggers, sender=self, dispatch_uid="regulations-tree-triggers")
        from regulations.site import page_cache

        page_cache.connect()

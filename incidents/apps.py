from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _install_data_version_triggers(sender, using, **kwargs):
    """After every migrate and flush: each public data table moves the data version (incidents.cache)."""
    from django.db import router

    from .cache import install_triggers
    from .models import Incident

    if router.allow_migrate_model(using, Incident):
        install_triggers(using)


def _refresh_sqlite_statistics(sender, using, **kwargs):
    """After every migrate on SQLite, which has no planner statistics until ANALYZE runs (incidents.dbstats)."""
    from django.db import connections

    from .dbstats import refresh_planner_statistics

    if connections[using].vendor == "sqlite":
        refresh_planner_statistics(using)


class IncidentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "incidents"

    def ready(self):
        post_migrate.connect(_install_data_version_triggers, sender=self, dispatch_uid="incidents-data-version-triggers")
        post_migrate.connect(_refresh_sqlite_statistics, sender=self, dispatch_uid="incidents-sqlite-statistics")

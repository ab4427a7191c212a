from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "jobs"
    verbose_name = _("Background jobs")

    def ready(self):
        # Each app declares its kinds of job in its own `jobs.py` (incidents/jobs.py): one registry, filled at start.
        autodiscover_modules("jobs")

"""Sources in the admin. The report's page records incident claims, so it lives with the incident admin (incidents.admin.reports)."""

from django.contrib import admin
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from .models import Source

# URLs typed without a scheme are read as https (Django 6 will default to it).
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}
RECORD = ("Record", {"fields": [("created_at", "updated_at")]})


@admin.register(Source)
class SourceAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "country", "language", "is_confidential"]
    list_filter = ["kind", "is_confidential"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at", "updated_at"]
    formfield_overrides = HTTPS_URLS

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (None, {"fields": ["name", "slug", "kind", ("country", "language"), "homepage", "description"]}),
            ("Protection", {"fields": ["is_confidential", "public_label"]}),
        ]
        return fieldsets + [RECORD] if obj is not None else fieldsets



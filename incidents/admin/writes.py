"""Every save and delete made in the admin goes through the incident services, and a page's save re-derives each touched incident once."""

from .. import services
from ..models import (
    CasualtyFigure,
    IncidentReport,
    OfficialStatement,
)
from ..services import deferred_recompute

# Claims, statements and report links are written through their services (each re-derives the incident's
# figures); the admin pages below save and delete them only through these.
EVIDENCE_WRITES = {
    CasualtyFigure: (lambda obj: services.save_claim(claim=obj), lambda obj: services.delete_claim(claim=obj)),
    OfficialStatement: (lambda obj: services.save_statement(statement=obj), lambda obj: services.delete_statement(statement=obj)),
    IncidentReport: (lambda obj: services.save_report_link(link=obj), lambda obj: services.unlink_report(link=obj)),
}


class EvidenceWritesMixin:
    """Saves of a page (the record and all its inline rows) re-derive each touched incident once, at the end."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        with deferred_recompute():
            return super().changeform_view(request, object_id, form_url, extra_context)

    def save_formset(self, request, form, formset, change):
        writes = EVIDENCE_WRITES.get(formset.model)
        if writes is None:
            return super().save_formset(request, form, formset, change)
        save, delete = writes
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            delete(obj)
        for obj in instances:
            save(obj)
        formset.save_m2m()
        return None

    def save_model(self, request, obj, form, change):
        writes = EVIDENCE_WRITES.get(type(obj))
        if writes is None:
            return super().save_model(request, obj, form, change)
        return writes[0](obj)

    def delete_model(self, request, obj):
        writes = EVIDENCE_WRITES.get(type(obj))
        if writes is None:
            return super().delete_model(request, obj)
        return writes[1](obj)

    def delete_queryset(self, request, queryset):
        writes = EVIDENCE_WRITES.get(queryset.model)
        if writes is None:
            return super().delete_queryset(request, queryset)
        with deferred_recompute():
            for obj in queryset:
                writes[1](obj)
        return None

"""Every save and delete made in the admin goes through the incident services, and a page's save re-derives each touched incident once.

An edit of a record the public has seen, by someone whose edits wait for a reviewer, writes no live row: each
save and delete hook below hands it to `incidents.revisions`, which keeps it as a pending revision. The hooks
are the admin's only write paths (the change and add pages with their inline rows, the delete page and the
delete action, a revert from the history page), so a crafted POST to any of them is held the same way.
"""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext

from .. import revisions
from ..models import Incident, Revision
from ..services import deferred_recompute

# Claims, statements and report links are written through their services (each re-derives the incident's
# figures); the admin pages below save and delete them only through these.
EVIDENCE_WRITES = revisions.ROW_WRITES

HELD = "_held_for_review"


def _held(request) -> set:
    if not hasattr(request, HELD):
        setattr(request, HELD, set())
    return getattr(request, HELD)


class EvidenceWritesMixin:
    """Saves of a page (the record and all its inline rows) re-derive each touched incident once, at the end.

    Edits of published records that must wait for a reviewer are kept as a pending revision instead.
    """

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "GET" and object_id is not None:
            self.show_pending(request, self.get_object(request, unquote(object_id)))
        with deferred_recompute():
            return self.held_response(request, super().changeform_view(request, object_id, form_url, extra_context))

    def delete_view(self, request, object_id, extra_context=None):
        return self.held_response(request, super().delete_view(request, object_id, extra_context))

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        return self.held_response(request, super().history_form_view(request, object_id, version_id, extra_context))

    def changelist_view(self, request, extra_context=None):
        return self.held_response(request, super().changelist_view(request, extra_context))

    def save_formset(self, request, form, formset, change):
        save, delete = EVIDENCE_WRITES.get(formset.model, (revisions.save_row, revisions.delete_row))
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            if not self.hold(request, obj, delete=True):
                delete(obj)
        for obj in instances:
            if not self.hold(request, obj):
                save(obj)
        formset.save_m2m()
        return None

    def save_model(self, request, obj, form, change):
        if self.hold(request, obj, form=form):
            # Nothing of the record is written, its many-to-many fields neither (they are in the revision).
            form.save_m2m = lambda: None
            return None
        writes = EVIDENCE_WRITES.get(type(obj))
        if writes is None:
            return super().save_model(request, obj, form, change)
        return writes[0](obj)

    def delete_model(self, request, obj):
        if self.hold(request, obj, delete=True):
            return None
        writes = EVIDENCE_WRITES.get(type(obj))
        if writes is None:
            return super().delete_model(request, obj)
        return writes[1](obj)

    def delete_queryset(self, request, queryset):
        writes = EVIDENCE_WRITES.get(queryset.model, (None, super().delete_queryset))
        with deferred_recompute():
            held = [obj for obj in queryset if self.hold(request, obj, delete=True)]
            rest = queryset.exclude(pk__in=[obj.pk for obj in held])
            if writes[0] is None:
                return writes[1](request, rest)
            for obj in rest:
                writes[1](obj)
        return None

    # Pending revisions: held on the server, said plainly to the editor.

    def hold(self, request, obj, *, form=None, many=None, delete=False) -> bool:
        """Keep this write as a pending revision if it must wait for a reviewer (True: the caller writes nothing)."""
        if delete:
            incident = revisions.hold_delete(user=request.user, obj=obj)
        else:
            incident = revisions.hold_save(user=request.user, obj=obj, form=form, many=many)
        if incident is not None:
            _held(request).add(incident.pk)
        return incident is not None

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        # “… was changed successfully” is not true of a held edit: held_response says what happened instead.
        if _held(request) and level == messages.SUCCESS:
            return None
        return super().message_user(request, message, level, *args, **kwargs)

    def held_response(self, request, response):
        """After a write that was held: say so, and show the pending revision side by side with the public version."""
        held = _held(request)
        if not held or not isinstance(response, HttpResponseRedirect):
            return response
        pending = list(Revision.objects.filter(incident_id__in=held, author=request.user, state=Revision.State.PENDING)
                       .select_related("incident").order_by("pk"))
        if not pending:
            messages.info(request, gettext("Nothing was changed."))
            return response
        links = format_html_join(", ", '<a href="{}">{}</a>', (
            (reverse("admin:incidents_revision_change", args=[revision.pk]), revision.incident.code) for revision in pending))
        messages.warning(request, format_html(
            gettext("Your change waits for review ({}): the public keeps seeing the approved version until a reviewer "
                    "approves it. Further edits you make to the same incident join this change."), links))
        return HttpResponseRedirect(reverse("admin:incidents_revision_change", args=[pending[0].pk]))

    def show_pending(self, request, obj) -> None:
        """On a record's page: the changes of its incident that wait for review, with links."""
        incident = obj if isinstance(obj, Incident) else getattr(obj, "incident", None)
        if not isinstance(incident, Incident):
            return
        pending = list(revisions.pending_revisions(incident.pk))
        if not pending:
            return
        links = format_html_join("; ", '<a href="{}">change #{}</a> by {} ({})', (
            (reverse("admin:incidents_revision_change", args=[r.pk]), r.pk,
             r.author.get_username() if r.author else "a former user",
             timezone.localtime(r.updated_at).strftime("%d %b %Y %H:%M")) for r in pending))
        messages.warning(request, format_html(
            gettext("Changes of {} waiting for review: {}. The form shows the public version; an edit you save joins your "
                    "own pending change."),
            incident.code, links))

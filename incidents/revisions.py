"""Pending revisions: nothing reaches the public without a reviewer.

An edit of a record the public has seen (a published or retracted incident, its claims, statements, named
victims, belligerent roles, linked reports and external identifiers) made by someone who may not publish it
directly (`workflow.edit_needs_review`) is not written to the live rows. It is kept as a `Revision`: each row
added, changed or deleted, with its field values before and after, read generically from the model's
editable fields (and the form's many-to-many fields), so a field added to a model is carried too.

- The public keeps seeing the approved version: pages, API, exports, feeds, the change log and the "as of"
  views read the live rows and their history, which a pending revision does not touch.
- An author's further edits of the same incident join their pending revision (one pending revision per
  incident and author, a database constraint); other people's edits are revisions of their own.
- `approve_revision` applies the change through the same services as a direct edit (claims, statements and
  report links through `incidents.services`, the incident re-derived once), in one transaction, with history
  rows under the author's name and the approver in the change reason. It is refused, with what changed, when
  a row the revision changes or deletes was changed by someone else after the revision was made (the
  incident's `version`, a row's `updated_at`, or the values it started from), so nothing is overwritten
  silently.
- `reject_revision` records the reviewer's note; nothing else changes.
- Only reviewers (`publish_incident`) decide; with four-eyes on (`workflow.four_eyes`) not on their own revision.
"""

from contextlib import contextmanager
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.deletion import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext
from simple_history.models import HistoricalRecords

from . import locking, services, workflow
from .models import (
    BelligerentRoleLink,
    CasualtyFigure,
    ExternalIdentifier,
    Incident,
    IncidentReport,
    OfficialStatement,
    Revision,
    Victim,
)

ADD, CHANGE, DELETE = "add", "change", "delete"

# How each row of an incident's record is written: claims, statements and report links only through their
# services (each re-derives the incident), the others as they are. The admin's saves use the same table.
ROW_WRITES = {
    CasualtyFigure: (lambda obj: services.save_claim(claim=obj), lambda obj: services.delete_claim(claim=obj)),
    OfficialStatement: (lambda obj: services.save_statement(statement=obj), lambda obj: services.delete_statement(statement=obj)),
    IncidentReport: (lambda obj: services.save_report_link(link=obj), lambda obj: services.unlink_report(link=obj)),
    # A named victim the public may have seen is withheld, never deleted (services.remove_victim).
    Victim: (lambda obj: obj.save() or obj, lambda obj: services.remove_victim(victim=obj)),
}
# The rows that make up an incident's record, besides the incident itself.
RECORD_ROWS = (CasualtyFigure, OfficialStatement, Victim, BelligerentRoleLink, IncidentReport, ExternalIdentifier)


class RevisionRefused(Exception):
    """A decision that cannot be taken: `lines` say why (who changed what meanwhile, or what is invalid)."""

    def __init__(self, message: str, lines=()):
        super().__init__(message)
        self.message = message
        self.lines = list(lines)


def save_row(obj: models.Model) -> models.Model:
    save = ROW_WRITES.get(type(obj), (None, None))[0]
    if save is not None:
        return save(obj)
    obj.save()
    return obj


def delete_row(obj: models.Model) -> None:
    delete = ROW_WRITES.get(type(obj), (None, None))[1]
    if delete is not None:
        delete(obj)
    else:
        obj.delete()


# Which record an edit belongs to, and whether it waits.


def _is_record_row(obj) -> bool:
    return isinstance(obj, Incident) or type(obj) in RECORD_ROWS


def held_incident(*, user, obj) -> Incident | None:
    """The public incident whose record this edit changes, if the edit must wait for a reviewer; else None.

    A row counts for the incident it belongs to now and for the one it is moved to.
    """
    if not _is_record_row(obj):
        return None
    if isinstance(obj, Incident):
        ids = [obj.pk]
    else:
        stored = type(obj)._default_manager.filter(pk=obj.pk).values_list("incident_id", flat=True).first() if obj.pk else None
        ids = [stored, obj.incident_id]
    for incident in Incident.objects.filter(pk__in=[pk for pk in ids if pk is not None]).order_by("pk"):
        if workflow.edit_needs_review(user=user, incident=incident):
            return incident
    return None


def editable_fields(model) -> list:
    """The fields a person may set (not the id, not derived or automatic ones): what a revision carries."""
    return [f for f in model._meta.concrete_fields if f.editable and not f.primary_key]


def form_many(model, form) -> dict[str, list[int]]:
    """The many-to-many values a form would write (e.g. the incident's related records), as ids."""
    cleaned = getattr(form, "cleaned_data", None) or {}
    return {f.name: [item.pk for item in cleaned[f.name]] for f in model._meta.many_to_many if f.name in cleaned}


def _stamp(obj) -> dict:
    """What the row was when the change was proposed: the incident's version and last history row, a row's stamp."""
    if isinstance(obj, Incident):
        return {"version": obj.version, "history": obj.history.order_by("-history_id").values_list("history_id", flat=True).first()}
    if getattr(obj, "updated_at", None) is not None:
        return {"updated_at": obj.updated_at.isoformat()}
    return {}


def _pending_for(incident: Incident, author) -> Revision:
    """The author's pending revision of the incident (made now if none), with the incident locked."""
    locking.lock_row(Incident, incident.pk)
    revision = Revision.objects.filter(incident=incident, author=author, state=Revision.State.PENDING).first()
    return revision or Revision(incident=incident, author=author)


def _record(incident: Incident, author, op: dict) -> Revision:
    revision = _pending_for(incident, author)
    revision.changes = [*revision.changes, op]
    revision.save()
    return revision


@transaction.atomic
def hold_save(*, user, obj: models.Model, form=None, many: dict | None = None) -> Incident | None:
    """If this save of a row must wait for a reviewer, record it in the author's pending revision and return the
    incident (the caller then writes nothing); else None (the caller saves as usual).

    A change records only the fields whose value differs from the live row (and the many-to-many fields, given
    as ids or read from the form, that differ), so an edit made while another is pending never undoes it.
    """
    incident = held_incident(user=user, obj=obj)
    if incident is None:
        return None
    model = type(obj)
    if obj.pk is None:
        values = {f.name: f.value_from_object(obj) for f in editable_fields(model)}
        _record(incident, user, {"model": model._meta.label_lower, "action": ADD, "pk": None, "label": str(obj),
                                 "fields": values, "before": {}, "stamp": {}})
        return incident
    live = model._default_manager.get(pk=obj.pk)
    after, before = {}, {}
    for f in editable_fields(model):
        new, old = f.value_from_object(obj), f.value_from_object(live)
        if new != old:
            after[f.name], before[f.name] = new, old
    for name, ids in {**form_many(model, form), **(many or {})}.items():
        f = model._meta.get_field(name)
        new = sorted(ids)
        old = sorted(getattr(live, f.name).values_list("pk", flat=True))
        if new != old:
            after[f.name], before[f.name] = new, old
    if after:
        _record(incident, user, {"model": model._meta.label_lower, "action": CHANGE, "pk": obj.pk, "label": str(live),
                                 "fields": after, "before": before, "stamp": _stamp(live)})
    return incident


@transaction.atomic
def hold_delete(*, user, obj: models.Model) -> Incident | None:
    """If deleting this row must wait for a reviewer, record it in the author's pending revision and return the incident."""
    incident = held_incident(user=user, obj=obj)
    if incident is None:
        return None
    live = type(obj)._default_manager.get(pk=obj.pk)
    before = {f.name: f.value_from_object(live) for f in editable_fields(type(obj))}
    _record(incident, user, {"model": type(obj)._meta.label_lower, "action": DELETE, "pk": obj.pk, "label": str(live),
                             "fields": {}, "before": before, "stamp": _stamp(live)})
    return incident


def pending_revisions(incident_id: int):
    return Revision.objects.filter(incident_id=incident_id, state=Revision.State.PENDING).select_related("author")


# Reading a revision side by side with the public version.


def _model(op) -> type[models.Model]:
    return apps.get_model(op["model"])


def _python(f, value):
    if f.many_to_many:
        return sorted(value or [])
    return getattr(f, "target_field", f).to_python(value) if f.is_relation else f.to_python(value)


def _live_value(f, obj):
    if f.many_to_many:
        return sorted(getattr(obj, f.name).values_list("pk", flat=True))
    return f.value_from_object(obj)


def _shown(f, value) -> str:
    if f.many_to_many:
        if not value:
            return "(empty)"
        return "; ".join(str(item) for item in f.related_model._default_manager.filter(pk__in=value))
    return workflow.shown_value(f, value, full=True)


@dataclass
class FieldLine:
    label: str
    public: str
    proposed: str
    changed: bool
    # The public value is no longer the one the change started from.
    moved: bool = False


@dataclass
class RowDiff:
    action: str
    kind: str
    label: str
    lines: list[FieldLine] = field(default_factory=list)


def side_by_side(revision: Revision) -> list[RowDiff]:
    """Each row the revision adds, changes or removes: every field, the public value beside the proposed one.

    Several changes of one row (an author's later edits) read as one; the incident comes first.
    """
    rows: dict[tuple, RowDiff] = {}
    proposed: dict[tuple, dict] = {}
    starts: dict[tuple, dict] = {}
    added = []
    for op in revision.changes:
        model = _model(op)
        if op["action"] == ADD:
            added.append(op)
            continue
        key = (op["model"], op["pk"])
        proposed.setdefault(key, {}).update(op["fields"])
        for name, value in op["before"].items():
            starts.setdefault(key, {}).setdefault(name, value)
        if op["action"] == DELETE:
            rows[key] = RowDiff(DELETE, str(model._meta.verbose_name), op["label"])
        else:
            rows.setdefault(key, RowDiff(CHANGE, str(model._meta.verbose_name), op["label"]))
    diffs = []
    for key, row in sorted(rows.items(), key=lambda item: (item[0][0] != Incident._meta.label_lower, item[0])):
        model = apps.get_model(key[0])
        live = model._default_manager.filter(pk=key[1]).first()
        fields = editable_fields(model) + [f for f in model._meta.many_to_many if f.name in proposed.get(key, {})]
        for f in fields:
            public = _live_value(f, live) if live is not None else None
            if row.action == DELETE:
                row.lines.append(FieldLine(str(f.verbose_name), _shown(f, public), "(removed)", True))
                continue
            new = _python(f, proposed[key][f.name]) if f.name in proposed[key] else public
            start = _python(f, starts[key][f.name]) if f.name in starts.get(key, {}) else public
            row.lines.append(FieldLine(str(f.verbose_name), _shown(f, public), _shown(f, new), new != public, start != public))
        if live is None:
            row.label += " (no longer exists)"
        diffs.append(row)
    for op in added:
        model = _model(op)
        row = RowDiff(ADD, str(model._meta.verbose_name), op["label"])
        for f in editable_fields(model):
            if f.name in op["fields"]:
                row.lines.append(FieldLine(str(f.verbose_name), "—", _shown(f, _python(f, op["fields"][f.name])), True))
        diffs.append(row)
    return diffs


# Deciding.


def check_decision(*, revision: Revision, user) -> None:
    """Refuse a decision the user may not take now: only reviewers, never on their own revision with four-eyes on."""
    if revision.state != Revision.State.PENDING:
        raise RevisionRefused(gettext("%(change)s was already %(state)s.") % {"change": revision, "state": revision.get_state_display()})
    if not user.is_active or not user.has_perm("incidents.publish_incident"):
        raise RevisionRefused(gettext("Only a reviewer may approve or reject a change: ask a reviewer."))
    if workflow.four_eyes() and revision.author_id == user.pk:
        raise RevisionRefused(gettext("Four-eyes rule: another reviewer must decide on your own change."))


def _kind(model) -> str:
    """A kind of record as a sentence starts with it: "Casualty figure"."""
    return str(model._meta.verbose_name).capitalize()


def conflicts(revision: Revision) -> list[str]:
    """What changed in the live record, after the revision was made, in the rows the revision changes or deletes."""
    lines = []
    for op in revision.changes:
        if op["action"] == ADD:
            continue
        model = _model(op)
        live = model._default_manager.filter(pk=op["pk"]).first()
        if live is None:
            lines.append(gettext("%(record)s “%(row)s” no longer exists.") % {"record": _kind(model), "row": op["label"]})
            continue
        stamp = op.get("stamp") or {}
        if isinstance(live, Incident) and "version" in stamp and live.version != stamp["version"]:
            lines += [gettext("The incident %(code)s was saved by someone else after this change was proposed.") % {"code": live.code},
                      *workflow.incident_changes_since(live, stamp.get("history"))]
            continue
        if "updated_at" in stamp and live.updated_at is not None and live.updated_at.isoformat() != stamp["updated_at"]:
            lines += [gettext("%(record)s “%(row)s” was changed by someone else after this change was proposed.") % {
                "record": _kind(model), "row": live}, *workflow.row_changes_since(live, stamp["updated_at"])]
            continue
        for name, value in op["before"].items():
            f = model._meta.get_field(name)
            if _python(f, value) != _live_value(f, live):
                lines.append(gettext("%(record)s “%(row)s”: %(field)s is now %(now)s, not %(then)s as when the change was "
                                     "proposed.") % {"record": _kind(model), "row": live, "field": f.verbose_name,
                                                     "now": _shown(f, _live_value(f, live)), "then": _shown(f, _python(f, value))})
    return list(dict.fromkeys(lines))


def _apply(op: dict, *, author, reason: str) -> None:
    model = _model(op)
    obj = model() if op["action"] == ADD else model._default_manager.get(pk=op["pk"])
    obj._history_user = author
    obj._change_reason = reason
    if op["action"] == DELETE:
        delete_row(obj)
        return
    many = {}
    for name, value in op["fields"].items():
        f = model._meta.get_field(name)
        if f.many_to_many:
            many[f.name] = _python(f, value)
        else:
            setattr(obj, f.attname, _python(f, value))
    obj.full_clean()
    if isinstance(obj, Incident):
        obj.updated_by = author
        obj.save()
        regroup = set(obj.related.values_list("pk", flat=True)) if "related" in many else set()
        for name, ids in many.items():
            getattr(obj, name).set(ids)
        if "related" in many:
            # Links added or removed re-group every record they touch (totals count a related group once).
            services.refresh_related_groups(incident_ids={obj.pk, *regroup, *many["related"]})
        services.figures_changed(incident_id=obj.pk)
    else:
        save_row(obj)


@contextmanager
def _written_by(author):
    """History rows written inside the block (the rows, links made automatically, re-derived figures) name the author."""
    context = HistoricalRecords.context
    missing = object()
    saved = getattr(context, "request", missing)
    context.request = SimpleNamespace(user=author) if author is not None else None
    try:
        yield
    finally:
        if saved is missing:
            del context.request
        else:
            context.request = saved


def approve_revision(*, revision: Revision, reviewer, note: str = "") -> Revision:
    """Apply the revision to the public record (through the services), or raise RevisionRefused saying why."""
    try:
        with transaction.atomic():
            revision = locking.lock_row(Revision, revision.pk)
            check_decision(revision=revision, user=reviewer)
            locking.lock_row(Incident, revision.incident_id)
            found = conflicts(revision)
            if found:
                raise RevisionRefused(
                    gettext("The public record changed after this change was proposed: approving it would overwrite that. "
                            "Reject it with a note, so that the author makes the change again on the current record."), found)
            reason = f"Approved by {reviewer.get_username()} (change #{revision.pk})"[:workflow.REASON_LENGTH]
            with _written_by(revision.author), services.deferred_recompute():
                for op in revision.changes:
                    _apply(op, author=revision.author, reason=reason)
            revision.state, revision.reviewer, revision.decided_at = Revision.State.APPROVED, reviewer, timezone.now()
            revision.note = note.strip()
            revision.save()
            return revision
    except ValidationError as invalid:
        raise RevisionRefused("The change is not valid on the current record; reject it with a note.", invalid.messages) from None
    except ProtectedError as protected:
        raise RevisionRefused("A row this change deletes is still referred to; reject it with a note.",
                              [str(obj) for obj in protected.protected_objects]) from None


@transaction.atomic
def reject_revision(*, revision: Revision, reviewer, note: str) -> Revision:
    """Reject the revision with a note to its author; the public record does not change."""
    revision = locking.lock_row(Revision, revision.pk)
    check_decision(revision=revision, user=reviewer)
    if not note.strip():
        raise RevisionRefused("A rejection needs a note to the author.")
    revision.state, revision.reviewer, revision.decided_at = Revision.State.REJECTED, reviewer, timezone.now()
    revision.note = note.strip()
    revision.save()
    return revision

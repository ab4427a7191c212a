"""Every change is kept: who, when, what."""

from django.contrib.auth import get_user_model
from simple_history.utils import update_change_reason

from sources.models import Report, Source
from tests import factories


def test_edit_recorded_with_author(db):
    author = get_user_model().objects.create_user("amira")
    incident = factories.IncidentFactory(title="Strike on a market")
    incident._history_user = author
    incident.title = "Strike on the old market"
    incident.save()
    update_change_reason(incident, "Title corrected from the second report")
    latest = incident.history.first()
    assert latest.history_user == author
    assert latest.history_type == "~"
    assert latest.history_change_reason == "Title corrected from the second report"
    delta = latest.diff_against(latest.prev_record)
    assert [(c.field, c.old, c.new) for c in delta.changes if c.field == "title"] == [
        ("title", "Strike on a market", "Strike on the old market")]


def test_every_editable_model_has_history():
    from django.apps import apps

    for model in [*apps.get_app_config("incidents").get_models(), *apps.get_app_config("sources").get_models()]:
        if model.__name__.startswith("Historical") or model._meta.auto_created:
            continue
        if not any(field.editable for field in model._meta.concrete_fields if not field.primary_key):
            continue  # derived rows (positions), rebuilt from claims and statements that keep their history
        assert hasattr(model, "history"), f"{model.__name__} keeps no history"


def test_report_and_source_history(db):
    report = factories.ReportFactory()
    report.title = "Corrected title"
    report.save()
    assert Report.history.filter(id=report.pk).count() == 2
    assert Source.history.filter(id=report.source_id).count() == 1

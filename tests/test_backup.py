"""Backup and restore (issue 14, item 11): a full export loaded into an empty database gives the same public pages,
totals and admin history, keeps primary keys and codes, and refuses a database that already holds records."""

import datetime

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from incidents import backup
from incidents.models import Incident, Victim
from incidents.totals import totals_of
from jobs.models import Job
from jobs.services import start_job
from sources.models import Source
from tests import factories
from tests.dataworld import PRIVATE_NAME, SECRET_NAME, build_world

pytestmark = pytest.mark.django_db(transaction=True)


def history_models():
    return sorted((model for model in apps.get_models() if model.__name__.startswith("Historical")), key=lambda m: m._meta.label)


def snapshot(world) -> dict:
    """What must come back the same: public pages (HTML), totals, admin history, private data, users and rights."""
    client = Client()
    pages = [reverse("incident_list"), world["mosul"].get_absolute_url(), world["yemen"].get_absolute_url(),
             reverse("belligerent_detail", args=[world["coalition"].slug]), "/api/v1/incidents/", reverse("home"),
             reverse("chart_monthly_json"), f"{world['mosul'].get_absolute_url()}?as_of=2030-01-01"]
    html = {}
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html[url] = response.content.decode()
    history = {}
    for model in history_models():
        rows = model.objects.order_by("history_id")
        last = rows.last()
        history[model._meta.label] = (rows.count(), last.history_change_reason if last else None,
                                      list(rows.values_list("history_id", "history_type", "history_date")))
    user = get_user_model().objects.get(username="keeper")
    return {
        "pages": html, "totals": totals_of(Incident.objects.published()), "history": history,
        "codes": list(Incident.objects.order_by("pk").values_list("pk", "code", "status", "reported_killed_min", "reported_killed_max")),
        "private": list(Victim.objects.filter(visibility="private").values_list("pk", "name")),
        "confidential": list(Source.objects.filter(is_confidential=True).values_list("pk", "name")),
        "user": (user.pk, user.password, sorted(user.groups.values_list("name", flat=True))),
        "rights": sorted(Group.objects.get(name="Keepers").permissions.values_list("codename", flat=True)),
        "log": list(LogEntry.objects.order_by("pk").values_list("pk", "object_repr", "change_message", "content_type__model")),
        "jobs": list(Job.objects.order_by("pk").values_list("pk", "kind", "status", "label")),
    }


def build():
    world = build_world()
    keeper = get_user_model().objects.create_user("keeper", "k@example.org", "pw-keeper-123", is_staff=True)
    group = Group.objects.create(name="Keepers")
    group.permissions.add(Permission.objects.get(codename="change_incident"), Permission.objects.get(codename="publish_incident"))
    keeper.groups.add(group)
    mosul = world["mosul"]
    mosul.summary = "Corrected after a second report."
    mosul._change_reason = "Second report read"
    mosul.save()
    LogEntry.objects.log_actions(user_id=keeper.pk, queryset=[mosul], action_flag=CHANGE, change_message="Changed summary.")
    start_job(kind="recompute", label="Recompute the figures of every incident", params={}, user=keeper)
    return world


def test_a_full_export_loads_into_an_empty_database_with_the_same_pages_totals_and_history(tmp_path):
    world = build()
    before = snapshot(world)
    path = tmp_path / "backup.jsonl.gz"

    call_command("backup_export", str(path), verbosity=0)

    with pytest.raises(CommandError, match="The database is not empty"):
        call_command("backup_import", str(path))
    call_command("flush", interactive=False, verbosity=0)
    assert not Incident.objects.exists() and not get_user_model().objects.exists()
    cache.clear()
    totals_of(Incident.objects.published())  # a cached total of the empty database: the load must move past it

    call_command("backup_import", str(path), verbosity=0)

    after = snapshot(world)
    for key in before:
        assert after[key] == before[key], key
    assert before["private"] == [(before["private"][0][0], PRIVATE_NAME)] and before["confidential"][0][1] == SECRET_NAME
    assert before["history"]["incidents.HistoricalIncident"][1] == "Second report read"
    # The sequences go on from the loaded ids: a new incident gets the next id and a code of its own.
    new = factories.IncidentFactory(date_start=datetime.date(2020, 1, 1))
    assert new.pk > max(pk for pk, *_ in before["codes"]) and new.code not in {code for _, code, *_ in before["codes"]}


def test_a_backup_is_never_loaded_over_records(tmp_path):
    build()
    path = tmp_path / "backup.jsonl"
    call_command("backup_export", str(path), verbosity=0)
    count = Incident.objects.count()
    with pytest.raises(CommandError, match=r"The database is not empty \(admin\.LogEntry, auth\.User, "):
        call_command("backup_import", str(path))
    assert Incident.objects.count() == count
    assert backup.rows_in(path)["incidents.incident"] == count
    with pytest.raises(CommandError, match="Name the backup"):
        call_command("backup_export", str(tmp_path / "backup.txt"))

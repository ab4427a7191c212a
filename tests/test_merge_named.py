"""A reviewer merges two records of one source, or of one actor: everything moves, the old name becomes an alias, the old
address redirects (301), histories say so, the public counts move, confidential sources are never exposed, and a
re-import naming the old record creates nothing."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from incidents import choices, merge_named, services
from incidents.imports import import_rows
from incidents.models import Actor, ActorAlias, AggregateClaim, BelligerentRoleLink, CasualtyFigure, OfficialStatement, Position
from sources.models import Report, Source, SourceAlias
from sources.named_admin import merge_url
from tests import factories
from tests.test_admin import form_data
from tests.test_ucdp_import import ged_row, run, write_ged


def published_incident_reported_by(source):
    incident = factories.IncidentFactory(status=choices.Status.PUBLISHED)
    services.link_report(incident=incident, report=factories.ReportFactory(source=source))
    return incident


def last_history(obj):
    return type(obj).history.filter(id=obj.pk).order_by("-history_id").first()


# Sources.


@pytest.mark.django_db(transaction=True)
def test_source_merge_moves_reports_counts_on_public_page_and_old_address_redirects():
    cache.clear()
    chief = get_user_model().objects.create_superuser("chief", "chief@example.org", "pw-chief-123")
    keep = factories.SourceFactory(name="Example News", slug="example-news")
    merge = factories.SourceFactory(name="Example News Agency", slug="example-news-agency")
    published_incident_reported_by(keep)
    published_incident_reported_by(merge)
    published_incident_reported_by(merge)
    client = Client()
    page = client.get(reverse("source_detail", args=["example-news"]))
    assert (page.context["source"].published_incidents, page.context["source"].published_reports) == (1, 1)

    merge_named.merge_sources(keep=keep, merge=merge, user=chief, reason="same outlet")

    # The page is cached per data version: the merge moved the version, so the counts are the new ones.
    page = client.get(reverse("source_detail", args=["example-news"]))
    assert (page.context["source"].published_incidents, page.context["source"].published_reports) == (3, 3)
    old = client.get(reverse("source_detail", args=["example-news-agency"]))
    assert old.status_code == 301 and old["Location"] == reverse("source_detail", args=["example-news"])
    assert not Source.objects.filter(pk=merge.pk).exists()
    alias = SourceAlias.objects.get(source=keep)
    assert (alias.name, alias.former_slug) == ("Example News Agency", "example-news-agency")
    cache.clear()


def test_source_merge_history_rows_say_so(db, reviewer):
    keep, merge = factories.SourceFactory(), factories.SourceFactory()
    reports = factories.ReportFactory.create_batch(3, source=merge)
    SourceAlias.objects.create(source=merge, name="The Outlet")

    merge_named.merge_sources(keep=keep, merge=merge, user=reviewer)

    assert set(Report.objects.filter(pk__in=[r.pk for r in reports]).values_list("source_id", flat=True)) == {keep.pk}
    for report in reports:
        row = last_history(report)
        assert (row.history_type, row.source_id, row.history_user_id) == ("~", keep.pk, reviewer.pk)
        assert row.history_change_reason.startswith("Merge: moved here from")
    gone = Source.history.filter(id=merge.pk).order_by("-history_id").first()
    assert gone.history_type == "-" and gone.history_change_reason == f"Merged into {keep.name}"
    assert last_history(keep).history_change_reason == f"Merge: {merge.name} merged into this record"
    assert set(keep.aliases.values_list("name", flat=True)) == {"The Outlet", merge.name}


def test_confidential_and_public_sources_are_never_merged(db, reviewer):
    public = factories.SourceFactory()
    protected = factories.SourceFactory(is_confidential=True, public_label="local source")
    factories.ReportFactory(source=protected)
    for keep, merge in ((public, protected), (protected, public)):
        with pytest.raises(merge_named.NamedMergeRefused, match="confidential"):
            merge_named.merge_sources(keep=keep, merge=merge, user=reviewer)
    assert Source.objects.filter(pk__in=[public.pk, protected.pk]).count() == 2
    assert protected.reports.count() == 1 and not SourceAlias.objects.exists()


def test_merged_confidential_source_address_does_not_redirect(db, client, reviewer):
    keep = factories.SourceFactory(is_confidential=True, public_label="local source")
    merge = factories.SourceFactory(is_confidential=True, public_label="local source", slug="hidden-one")
    published_incident_reported_by(keep)
    merge_named.merge_sources(keep=keep, merge=merge, user=reviewer)

    # The kept source has no public page: its merged address answers as an unknown one, naming nothing.
    response = client.get(reverse("source_detail", args=["hidden-one"]))
    assert response.status_code == 404
    assert keep.name.encode() not in response.content


# Actors.


def test_actor_merge_moves_roles_statements_concessions_claims_members_and_positions(db, client, reviewer):
    keep = factories.ActorFactory(name="Islamic State", slug="islamic-state")
    merge = factories.ActorFactory(name="IS", slug="is")
    member = factories.ActorFactory(parent=merge)
    ActorAlias.objects.create(actor=merge, name="Daesh")
    shared = factories.IncidentFactory(status=choices.Status.PUBLISHED)
    own = factories.IncidentFactory(status=choices.Status.PUBLISHED)
    factories.BelligerentRoleFactory(incident=shared, actor=keep, role=choices.BelligerentRole.ALLEGED)
    factories.BelligerentRoleFactory(incident=shared, actor=merge, role=choices.BelligerentRole.ACKNOWLEDGED)
    factories.BelligerentRoleFactory(incident=own, actor=merge, role=choices.BelligerentRole.ALLEGED)
    statement = factories.StatementFactory(incident=own, issuer=merge, stance=choices.Stance.CREDIBLE)
    concession = factories.FigureFactory(incident=own, basis=choices.Basis.CONCEDED, statement=statement)
    aggregate = factories.AggregateClaimFactory(actor=merge, attributed_to="IS", basis=choices.Basis.REPORTED)
    assert Position.objects.filter(incident=own, actor=merge).exists()

    merge_named.merge_actors(keep=keep, merge=merge, user=reviewer, reason="one group")

    assert not Actor.objects.filter(pk=merge.pk).exists()
    roles = dict(BelligerentRoleLink.objects.filter(incident__in=[shared, own]).values_list("incident_id", "role"))
    assert roles == {shared.pk: choices.BelligerentRole.ACKNOWLEDGED, own.pk: choices.BelligerentRole.ALLEGED}
    assert set(BelligerentRoleLink.objects.filter(incident__in=[shared, own]).values_list("actor_id", flat=True)) == {keep.pk}
    assert OfficialStatement.objects.get(pk=statement.pk).issuer_id == keep.pk
    assert CasualtyFigure.objects.get(pk=concession.pk).conceded_by_id == keep.pk
    assert AggregateClaim.objects.get(pk=aggregate.pk).actor_id == keep.pk
    assert Actor.objects.get(pk=member.pk).parent_id == keep.pk
    # Positions are rebuilt for the kept actor.
    assert list(Position.objects.filter(incident=own).values_list("actor_id", flat=True)) == [keep.pk]
    assert set(keep.aliases.values_list("name", "former_slug")) == {("Daesh", None), ("IS", "is")}
    # History: each moved row says so; the merged actor's last row is its deletion.
    assert last_history(OfficialStatement.objects.get(pk=statement.pk)).history_change_reason == "Merge: moved here from IS (one group)"
    assert Actor.history.filter(id=merge.pk).latest("history_id").history_change_reason == "Merged into Islamic State (one group)"
    # The old address moves for good to the kept page, which counts both incidents.
    response = client.get(reverse("belligerent_detail", args=["is"]))
    assert response.status_code == 301 and response["Location"] == reverse("belligerent_detail", args=["islamic-state"])
    page = client.get(response["Location"])
    assert page.context["gap"].total["incidents"] == 2


def test_kept_actor_that_was_a_member_of_the_merged_one_takes_its_place(db, reviewer):
    coalition = factories.ActorFactory(name="Coalition")
    old = factories.ActorFactory(name="US-led coalition", parent=coalition)
    keep = factories.ActorFactory(name="US forces", parent=old)
    merge_named.merge_actors(keep=keep, merge=old, user=reviewer)
    keep.refresh_from_db()
    assert keep.parent_id == coalition.pk


def test_merging_a_record_into_itself_is_refused(db, reviewer):
    actor = factories.ActorFactory()
    with pytest.raises(merge_named.NamedMergeRefused, match="two different"):
        merge_named.merge_actors(keep=actor, merge=actor, user=reviewer)


# Who may merge, and the admin's screen.


def test_editor_may_not_merge(db, editor, editor_client):
    first, second = factories.ActorFactory(), factories.ActorFactory()
    with pytest.raises(merge_named.NamedMergeRefused, match="ask a reviewer"):
        merge_named.merge_actors(keep=first, merge=second, user=editor)
    assert editor_client.get(merge_url(Actor, first.pk, second.pk)).status_code == 403
    assert editor_client.post(merge_url(Actor, first.pk, second.pk), {"ids": f"{first.pk},{second.pk}", "keep": first.pk}).status_code == 403
    changelist = editor_client.get(reverse("admin:incidents_actor_changelist"))
    actions = changelist.context["action_form"]
    assert actions is None or "merge_selected" not in dict(actions.fields["action"].choices)
    assert Actor.objects.count() == 2


def test_reviewer_merges_on_the_admin_screen(db, reviewer_client, django_assert_max_num_queries):
    keep, merge = factories.SourceFactory(name="Airwars"), factories.SourceFactory(name="AIRWARS", slug="airwars-2")
    factories.ReportFactory.create_batch(2, source=merge)
    url = merge_url(Source, keep.pk, merge.pk)
    with django_assert_max_num_queries(12):
        page = reviewer_client.get(url)
    assert page.status_code == 200 and b"2 reports" in page.content

    response = reviewer_client.post(url, {"ids": f"{keep.pk},{merge.pk}", "keep": keep.pk, "reason": "same monitor"})

    assert response.status_code == 302 and response["Location"] == reverse("admin:sources_source_change", args=[keep.pk])
    assert keep.reports.count() == 2 and not Source.objects.filter(pk=merge.pk).exists()


def test_admin_action_leads_to_the_merge_screen(db, reviewer_client):
    first, second = factories.ActorFactory(), factories.ActorFactory()
    response = reviewer_client.post(reverse("admin:incidents_actor_changelist"), {
        "action": "merge_selected", "_selected_action": [first.pk, second.pk],
    })
    assert response.status_code == 302 and response["Location"] == merge_url(Actor, first.pk, second.pk)


def test_refused_merge_is_a_form_error(db, reviewer_client):
    public, protected = factories.SourceFactory(), factories.SourceFactory(is_confidential=True, public_label="local source")
    response = reviewer_client.post(merge_url(Source, public.pk, protected.pk),
                                    {"ids": f"{public.pk},{protected.pk}", "keep": public.pk})
    assert response.status_code == 200 and "confidential" in str(response.context["form"].non_field_errors())
    assert Source.objects.count() == 2


@pytest.mark.parametrize("ids", ["", "1", "a,b", "1,2,3", "999998,999999"])
def test_bad_merge_address_is_a_400_with_a_reason(db, reviewer_client, ids):
    response = reviewer_client.get(f"{reverse('admin:sources_source_merge')}?ids={ids}")
    assert response.status_code == 400 and b"Choose two" in response.content


# Re-importing rows that name the merged records creates nothing.

HEADER = ["title", "date_start", "country", "locality", "belligerents", "reported_killed_min", "source_name", "source_url"]


def file_row(title, *, belligerent, source_name, url):
    return {"title": title, "date_start": "2017-04-02", "country": "IQ", "locality": "Mosul",
            "belligerents": f"{belligerent} (alleged)", "reported_killed_min": "4", "source_name": source_name, "source_url": url}


def test_file_import_naming_merged_records_creates_no_source_or_actor(db, reviewer):
    source_keep, source_old = factories.SourceFactory(name="Example Monitor"), factories.SourceFactory(name="Example Monitoring Group")
    actor_keep, actor_old = factories.ActorFactory(name="Islamic State"), factories.ActorFactory(name="IS")
    merge_named.merge_sources(keep=source_keep, merge=source_old, user=reviewer)
    merge_named.merge_actors(keep=actor_keep, merge=actor_old, user=reviewer)
    ActorAlias.objects.create(actor=actor_keep, name="Daesh")
    before = (Source.objects.count(), Actor.objects.count())

    rows = [
        (2, file_row("Strike one", belligerent="IS", source_name="Example Monitoring Group", url="https://monitor.example.org/1")),
        (3, file_row("Strike two", belligerent="DAESH", source_name="example monitoring group", url="https://monitor.example.org/2")),
    ]
    report = import_rows(HEADER, rows, user=reviewer, filename="again.csv", dry_run=False)

    assert report.ok and report.created == 2
    assert (Source.objects.count(), Actor.objects.count()) == before
    assert set(Report.objects.filter(url__startswith="https://monitor.example.org/").values_list("source_id", flat=True)) == {source_keep.pk}
    assert actor_keep.incident_roles.count() == 2


def test_ucdp_import_naming_a_merged_actor_creates_none(db, reviewer, tmp_path):
    row = ged_row("238475")
    side = row["side_b"] if row["side_b"] != "Civilians" else row["side_a"]
    keep, old = factories.ActorFactory(name=f"{side} (kept)"), factories.ActorFactory(name=side)
    merge_named.merge_actors(keep=keep, merge=old, user=reviewer)

    result = run(write_ged(tmp_path, [row]))

    assert not Actor.objects.filter(name=side).exists()
    assert keep.incident_roles.count() == 1
    assert result.actors_created == len({row["side_a"], row["side_b"]} - {side, "Civilians"})


def test_ucdp_import_finds_outlets_by_alias(db, tmp_path):
    row = ged_row("238475")
    outlet = row["source_office"].split(";")[0].strip()
    assert outlet
    kept = factories.SourceFactory(name="Some other name")
    SourceAlias.objects.create(source=kept, name=outlet.upper())

    run(write_ged(tmp_path, [row]))

    assert not Source.objects.filter(name=outlet).exists()
    assert kept.reports.exists()



def test_alias_keeping_an_old_address_cannot_be_deleted_in_the_admin(db, reviewer, reviewer_client):
    keep, merge = factories.SourceFactory(), factories.SourceFactory(slug="old-address")
    merge_named.merge_sources(keep=keep, merge=merge, user=reviewer)
    url = reverse("admin:sources_source_change", args=[keep.pk])
    data = {**form_data(reviewer_client.get(url)), "aliases-0-DELETE": "on"}
    response = reviewer_client.post(url, data)
    assert response.status_code == 200 and "/old-address/" in response.content.decode()
    assert keep.aliases.filter(former_slug="old-address").exists()

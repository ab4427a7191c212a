"""Incident linkage (incidents.linkage): blocking, the Fellegi–Sunter score, decisions kept as data, the queue."""

import csv
import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from incidents import choices
from incidents.linkage import decisions
from incidents.linkage.candidates import generate, parse_filter
from incidents.linkage.scoring import score_pair
from incidents.models import ExternalIdentifier, Incident, LinkCandidate, LinkDecision, SameAction, Verdict
from tests import factories

D, G = choices.DatePrecision, choices.GeoPrecision
PRECISION_MIN, RECALL_MIN = 0.75, 1.0  # at match probability 0.5, on the fixture below


def _incident(*, killed=None, acled=None, status=choices.Status.DRAFT, actors=(), **fields):
    incident = factories.IncidentFactory(status=status, **fields)
    if killed:
        Incident.objects.filter(pk=incident.pk).update(reported_killed_min=killed[0], reported_killed_max=killed[1])
    if acled:
        ExternalIdentifier.objects.create(incident=incident, dataset=choices.Dataset.ACLED, identifier=acled)
    for actor in actors:
        factories.BelligerentRoleFactory(incident=incident, actor=actor)
    return incident


@pytest.fixture
def world(db):
    """Published records and an ACLED-like draft import; three true pairs, and records that must not pair."""
    coalition, russia = factories.ActorFactory(name="Coalition"), factories.ActorFactory(name="Russia")
    pub = choices.Status.PUBLISHED
    p1 = _incident(title="Airstrike on Mosul al-Jadida", date_start=datetime.date(2017, 3, 17), geo_precision=G.EXACT,
                   latitude=36.34, longitude=43.13, locality="Mosul", killed=(83, 137), status=pub, actors=[coalition])
    p2 = _incident(title="Strike on Raqqa bakery", country="SY", date_start=datetime.date(2017, 6, 10),
                   geo_precision=G.EXACT, latitude=35.95, longitude=39.01, locality="Raqqa", status=pub, killed=(12, 12))
    p3 = _incident(title="Market shelled in Aleppo", country="SY", date_start=datetime.date(2016, 9, 20),
                   geo_precision=G.STREET, latitude=36.20, longitude=37.15, locality="Aleppo", status=pub,
                   actors=[russia])
    other = _incident(title="Strike near Mosul university", date_start=datetime.date(2017, 3, 25), geo_precision=G.EXACT,
                      latitude=36.38, longitude=43.16, locality="Mosul", status=pub, killed=(3, 3))
    # The import: a month-precision record placed to the city, a day later and 300 m off, a differently titled one.
    d1 = _incident(title="Coalition bombing kills civilians in west Mosul", date_start=datetime.date(2017, 3, 1),
                   date_precision=D.MONTH, geo_precision=G.CITY, latitude=36.35, longitude=43.14, locality="Mosul",
                   killed=(100, 150), acled="IRQ1", actors=[coalition])
    d2 = _incident(title="Bakery hit in al-Raqqa", country="SY", date_start=datetime.date(2017, 6, 11),
                   geo_precision=G.EXACT, latitude=35.952, longitude=39.012, locality="al-Raqqa", acled="SYR2",
                   killed=(10, 14))
    d3 = _incident(title="Russian artillery on a crowded souk", country="SY", date_start=datetime.date(2016, 9, 20),
                   geo_precision=G.STREET, latitude=36.201, longitude=37.151, locality="Aleppo", acled="SYR3",
                   actors=[russia])
    # Must not pair: same day as p1 in another country; same day in Iraq but in Basra.
    abroad = _incident(title="Airstrike on Mosul al-Jadida", country="SY", date_start=datetime.date(2017, 3, 17),
                       geo_precision=G.EXACT, latitude=36.34, longitude=43.13, locality="Mosul", acled="SYR9")
    far = _incident(title="Airstrike on Mosul al-Jadida", date_start=datetime.date(2017, 3, 17), geo_precision=G.EXACT,
                    latitude=30.51, longitude=47.81, locality="Basra", acled="IRQ9")
    return {"p1": p1, "p2": p2, "p3": p3, "other": other, "d1": d1, "d2": d2, "d3": d3, "abroad": abroad, "far": far,
            "truth": {frozenset((p1.pk, d1.pk)), frozenset((p2.pk, d2.pk)), frozenset((p3.pk, d3.pk))}}


def _run():
    return generate(parse_filter("dataset=acled"), parse_filter("status=published"), min_probability=0.0)


def _pairs(min_probability=0.0):
    return {frozenset((a, b)) for a, b in LinkCandidate.objects.filter(probability__gte=min_probability)
            .values_list("incident_a", "incident_b")}


def test_precision_and_recall_on_known_pairs(world):
    _run()
    found = _pairs(0.5)
    true_found = found & world["truth"]
    assert len(true_found) / len(world["truth"]) >= RECALL_MIN
    assert len(true_found) / len(found) >= PRECISION_MIN
    # The month-precision record placed to its city still scores as the same as the exact day and point.
    d1 = LinkCandidate.objects.get(incident_a=world["p1"], incident_b=world["d1"])
    assert d1.contributions["dates"]["level"] == "within" and d1.contributions["distance"]["level"] == "within_uncertainty"
    assert d1.probability > LinkCandidate.objects.get(incident_a=world["other"], incident_b=world["d1"]).probability


def test_blocking_excludes_other_countries_and_far_places(world):
    _run()
    pairs = _pairs()
    for name in ("abroad", "far"):
        assert not any(world[name].pk in pair for pair in pairs), name
    # The exact day 8 days off is outside a day record's window: d2 (Raqqa) never meets p1 (Mosul).
    assert frozenset((world["p1"].pk, world["d2"].pk)) not in pairs


def test_each_field_contributes_a_weight(world):
    score = score_pair(world["p2"], world["d2"])
    assert set(score.contributions) == {"dates", "distance", "place_names", "killed", "belligerents", "title"}
    assert score.contributions["distance"]["level"] == "sites_close"
    assert score.contributions["belligerents"] == {"level": "unknown", "weight": 0.0}
    assert score.weight == pytest.approx(sum(c["weight"] for c in score.contributions.values()) - 4.248, abs=0.01)


def test_decision_kept_with_who_when_reason_and_history(world, editor):
    decision = decisions.record_decision(incident_a=world["d2"], incident_b=world["p2"], verdict=Verdict.DIFFERENT,
                                         reason="Two bakeries", user=editor)
    decision.refresh_from_db()
    assert decision.decided_by == editor and decision.decided_at <= timezone.now()
    assert {decision.a_key, decision.b_key} == {"ext:acled:SYR2", f"incident:{world['p2'].pk}"}
    decisions.record_decision(incident_a=world["p2"], incident_b=world["d2"], verdict=Verdict.UNSURE,
                              reason="Not sure after all", user=editor)
    assert LinkDecision.objects.count() == 1
    assert [h.verdict for h in LinkDecision.history.order_by("history_id")] == ["different", "unsure"]
    with pytest.raises(Exception, match="reason"):
        decisions.record_decision(incident_a=world["p1"], incident_b=world["d1"], verdict="same", reason=" ", user=editor)


def test_decision_unique_per_pair_in_the_database(world, editor):
    now = timezone.now()
    LinkDecision.objects.create(a_key="incident:1", b_key="incident:2", verdict="same", reason="x", decided_at=now)
    for a, b in [("incident:1", "incident:2"), ("incident:2", "incident:1")]:
        with pytest.raises(IntegrityError), transaction.atomic():
            LinkDecision.objects.create(a_key=a, b_key=b, verdict="different", reason="y", decided_at=now)
    with pytest.raises(IntegrityError), transaction.atomic():
        LinkDecision.objects.create(a_key="incident:3", b_key="incident:4", verdict="same", reason="", decided_at=now)


def test_decided_pairs_not_asked_again_also_after_reimport(world, editor):
    _run()
    decisions.record_decision(incident_a=world["d2"], incident_b=world["p2"], verdict=Verdict.DIFFERENT,
                              reason="Two bakeries", user=editor)
    assert frozenset((world["p2"].pk, world["d2"].pk)) not in _pairs()
    LinkCandidate.objects.all().delete()
    # The import is run again: the draft is deleted and recreated with the same ACLED id (a new incident id).
    world["d2"].delete()
    again = _incident(title="Bakery hit in al-Raqqa", country="SY", date_start=datetime.date(2017, 6, 11),
                      geo_precision=G.EXACT, latitude=35.952, longitude=39.012, locality="al-Raqqa", acled="SYR2")
    counts = _run()
    assert counts["decided"] == 1
    assert frozenset((world["p2"].pk, again.pk)) not in _pairs()
    assert frozenset((world["p1"].pk, world["d1"].pk)) in _pairs()


def test_editor_same_is_a_proposal_and_never_merges(world, editor, reviewer):
    decision = decisions.record_decision(incident_a=world["d1"], incident_b=world["p1"], verdict=Verdict.SAME,
                                         reason="Same strike, ACLED dates it to the month", user=editor)
    assert decision.action == SameAction.PROPOSED
    assert not world["p1"].related.exists() and Incident.objects.filter(pk=world["d1"].pk).exists()
    with pytest.raises(PermissionDenied):
        decisions.merge_decided_pair(decision=decision, keep=world["p1"], user=editor)
    with pytest.raises(PermissionDenied):
        decisions.link_decided_pair(decision=decision, user=editor)
    assert Incident.objects.filter(pk=world["d1"].pk).exists()
    decisions.link_decided_pair(decision=decision, user=reviewer)
    assert world["p1"].related.filter(pk=world["d1"].pk).exists()
    assert LinkDecision.objects.get().action == SameAction.LINKED


def test_reviewer_merges_a_decided_pair(world, reviewer):
    decision = decisions.record_decision(incident_a=world["d3"], incident_b=world["p3"], verdict=Verdict.SAME,
                                         reason="Same shelling", user=reviewer)
    assert decision.action == SameAction.LINKED
    decisions.merge_decided_pair(decision=decision, keep=world["p3"], user=reviewer)
    assert not Incident.objects.filter(pk=world["d3"].pk).exists()
    assert world["p3"].external_ids.filter(identifier="SYR3").exists()
    assert LinkDecision.objects.get().action == SameAction.MERGED


def test_labelled_pairs_export(world, editor, reviewer_client, editor_client, client, django_user_model):
    _run()
    candidate = LinkCandidate.objects.get(incident_a=world["p2"], incident_b=world["d2"])
    response = editor_client.post(reverse("admin:incidents_linkcandidate_decide", args=[candidate.pk]),
                                  {"verdict": "same", "reason": "Same bakery"})
    assert response.status_code == 302 and LinkDecision.objects.get().decided_by == editor
    client.force_login(django_user_model.objects.create_user("staff", "s@example.org", "pw-staff-12345", is_staff=True))
    assert client.get(reverse("admin:incidents_linkdecision_export")).status_code == 403
    response = reviewer_client.get(reverse("admin:incidents_linkdecision_export"))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:5] == ["pair", "verdict", "reason", "who", "when"] and "weight_distance" in rows[0]
    assert rows[1][1:4] == ["same", "Same bakery", "editor"]
    assert float(rows[1][rows[0].index("weight_distance")]) > 0


def test_decide_without_reason_keeps_nothing(world, editor_client):
    _run()
    candidate = LinkCandidate.objects.first()
    editor_client.post(reverse("admin:incidents_linkcandidate_decide", args=[candidate.pk]), {"verdict": "same"})
    assert not LinkDecision.objects.exists() and LinkCandidate.objects.filter(pk=candidate.pk).exists()
    assert editor_client.get(reverse("admin:incidents_linkcandidate_decide", args=[candidate.pk])).status_code == 400


def test_queue_pages_by_keyset_with_bounded_queries(db, editor_client, django_assert_max_num_queries):
    records = [factories.IncidentFactory() for _ in range(62)]
    LinkCandidate.objects.bulk_create([
        LinkCandidate(incident_a=records[i], incident_b=records[i + 1], weight=10 - i / 10, probability=0.9,
                      contributions={"dates": {"level": "same_day", "weight": 4.5}}) for i in range(0, 60)])
    url = reverse("admin:incidents_linkcandidate_changelist")
    with django_assert_max_num_queries(8):
        first = editor_client.get(url)
    assert first.status_code == 200 and len(first.context["items"]) == 25
    with django_assert_max_num_queries(8):
        second = editor_client.get(url, {"after": first.context["next"]})
    shown = [item["candidate"].pk for item in first.context["items"] + second.context["items"]]
    assert len(set(shown)) == 50
    assert editor_client.get(url, {"after": "x:y"}).status_code == 400


def test_linkage_is_admin_only(world, editor, client):
    decisions.record_decision(incident_a=world["d1"], incident_b=world["p1"], verdict=Verdict.DIFFERENT,
                              reason="SECRET-REASON-42", user=editor)
    _run()
    for name in ("admin:incidents_linkcandidate_changelist", "admin:incidents_linkdecision_changelist",
                 "admin:incidents_linkdecision_export"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/login/" in response["Location"]
    for url in (world["p1"].get_absolute_url(), f"/api/v1/incidents/{world['p1'].code}/", "/api/v1/incidents/",
                "/incidents/", "/incidents/export.csv"):
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert b"SECRET-REASON-42" not in body and b"ext:acled" not in body


def test_command_links_and_refuses_bad_filters(world):
    out = io.StringIO()
    call_command("link_incidents", "--left", "dataset=acled", "--right", "status=published", "--min-probability", "0.5",
                 stdout=out, stderr=io.StringIO())
    assert "kept for review" in out.getvalue() and _pairs() >= world["truth"]
    with pytest.raises(CommandError, match="Unknown"):
        call_command("link_incidents", "--left", "colour=red")

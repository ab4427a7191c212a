"""Official positions over time: an assessment revised later replaces the current position; the earlier one stays."""

import datetime

from django.urls import reverse

from incidents import choices, positions, services
from incidents.models import OfficialStatement, Position
from tests import factories
from tests.test_admin import add_rows, form_data, incident_change_url


def test_assessment_revised_from_credible_to_not_credible(reviewer_client, client):
    coalition = factories.ActorFactory(name="CJTF-OIR coalition")
    incident = factories.IncidentFactory(status="published", title="Strike on a market")
    factories.StatementFactory(
        incident=incident, issuer=coalition, stated_on=datetime.date(2017, 5, 1), stance=choices.Stance.CREDIBLE,
        summary="Assessed credible: 4 civilians killed.",
    )
    incident.refresh_from_db()
    assert incident.latest_stance == choices.Stance.CREDIBLE

    # Months later the coalition revises its assessment; the reviewer records it as a new dated statement.
    data = form_data(reviewer_client.get(incident_change_url(incident)))
    add_rows(data, "statements", [{
        "issuer": coalition.pk, "stated_on": "2017-09-01", "stance": "not_credible",
        "summary": "On re-examination: assessed not credible.",
    }])
    response = reviewer_client.post(incident_change_url(incident), data)

    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.latest_stance == choices.Stance.NOT_CREDIBLE
    assert list(OfficialStatement.objects.filter(incident=incident).order_by("stated_on").values_list("stance", flat=True)) == [
        choices.Stance.CREDIBLE, choices.Stance.NOT_CREDIBLE,
    ]

    # The public page shows the current position first and the earlier one as superseded.
    page = client.get(incident.get_absolute_url())
    groups = page.context["statement_groups"]
    assert [group["current"].stance for group in groups] == [choices.Stance.NOT_CREDIBLE]
    assert [s.stance for s in groups[0]["superseded"]] == [choices.Stance.CREDIBLE]
    assert "Earlier statements, superseded" in page.content.decode()

    # The list filters on the current position only.
    listed = client.get(reverse("incident_list"), {"stance": "not_credible"})
    assert incident.title in listed.content.decode()
    assert incident.title not in client.get(reverse("incident_list"), {"stance": "credible"}).content.decode()


def test_an_earlier_statement_entered_later_does_not_replace_the_current_position(db):
    incident = factories.IncidentFactory()
    issuer = factories.ActorFactory()
    factories.StatementFactory(incident=incident, issuer=issuer, stated_on=datetime.date(2017, 9, 1), stance=choices.Stance.NOT_CREDIBLE)

    factories.StatementFactory(incident=incident, issuer=issuer, stated_on=datetime.date(2017, 5, 1), stance=choices.Stance.CREDIBLE)

    incident.refresh_from_db()
    assert incident.latest_stance == choices.Stance.NOT_CREDIBLE


def test_deleting_the_revision_of_a_draft_restores_the_earlier_position(db):
    incident = factories.IncidentFactory()
    issuer = factories.ActorFactory()
    factories.StatementFactory(incident=incident, issuer=issuer, stated_on=datetime.date(2017, 3, 25), stance=choices.Stance.INVESTIGATING)
    revision = factories.StatementFactory(incident=incident, issuer=issuer, stated_on=datetime.date(2017, 6, 1), stance=choices.Stance.CREDIBLE)

    services.delete_statement(statement=revision)

    incident.refresh_from_db()
    assert incident.latest_stance == choices.Stance.INVESTIGATING


# Item 5: the current position is per actor, and the stance filter agrees with the page.


def _stated(incident, issuer, day, stance, reason=""):
    return factories.StatementFactory(incident=incident, issuer=issuer, stated_on=day, stance=stance, reason=reason)


def test_stance_filter_finds_an_actors_current_position_shown_on_the_page(db, client, django_assert_max_num_queries):
    us_forces = factories.ActorFactory(name="US forces", slug="us-forces")
    iraqi = factories.ActorFactory(name="Iraqi forces", slug="iraqi-forces")
    incident = factories.IncidentFactory(status="published", title="Strike on a bridge")
    factories.BelligerentRoleFactory(incident=incident, actor=us_forces)
    factories.BelligerentRoleFactory(incident=incident, actor=iraqi)
    _stated(incident, us_forces, datetime.date(2017, 3, 20), choices.Stance.INVESTIGATING)
    _stated(incident, us_forces, datetime.date(2017, 5, 2), choices.Stance.DENIES, reason="No coalition aircraft in the area.")
    # Another actor speaks later: the incident's single latest stance is theirs, but US forces' position stays "denies".
    _stated(incident, iraqi, datetime.date(2017, 6, 1), choices.Stance.OPEN)
    incident.refresh_from_db()
    assert incident.latest_stance == choices.Stance.OPEN

    page = client.get(incident.get_absolute_url()).content.decode()
    assert "US forces: <strong>denies</strong>" in page and "No coalition aircraft in the area." in page
    assert "Iraqi forces: <strong>not yet assessed / open</strong>" in page

    def listed(**query):
        return incident.title in client.get(reverse("incident_list"), query).content.decode()

    assert listed(stance="denies")
    assert not listed(stance="investigating")  # a stance US forces held earlier, no longer its position
    assert listed(stance="denies", stance_by="us-forces")
    assert not listed(stance="denies", stance_by="iraqi-forces")  # one actor's position, not another's stance
    assert listed(stance="open", stance_by="iraqi-forces")
    assert listed(stance_by="iraqi-forces")
    # The list row says the same as the page.
    with django_assert_max_num_queries(15):  # + the aliases of the actor and source selects (cached outside tests)
        row = client.get(reverse("incident_list"), {"stance": "denies"}).content.decode()
    assert "US forces: denies" in row and "Iraqi forces: not yet assessed / open" in row
    # The API and the exports share the filter.
    api = client.get(reverse("api:incident-list"), {"stance": "denies"}).json()
    assert [item["code"] for item in api["results"]] == [incident.code]
    assert client.get(reverse("api:incident-list"), {"stance": "investigating"}).json()["count"] == 0


def test_unknown_stance_or_actor_is_a_clear_error(db, client):
    factories.IncidentFactory(status="published")
    response = client.get(reverse("incident_list"), {"stance": "maybe"})
    assert response.status_code == 200 and "maybe" in response.content.decode()
    assert client.get(reverse("api:incident-list"), {"stance_by": "phantom"}).status_code == 404  # names nothing public


def test_positions_are_rebuilt_with_every_statement_and_concession(db):
    incident = factories.IncidentFactory()
    us_forces, coalition = factories.ActorFactory(parent=None), factories.ActorFactory()
    first = _stated(incident, us_forces, datetime.date(2017, 4, 1), choices.Stance.CREDIBLE)
    factories.FigureFactory(
        incident=incident, statement=first, report=first.report, basis=choices.Basis.CONCEDED, count_min=3, count_max=None,
        qualifier="at_least", stated_on=datetime.date(2017, 4, 1),
    )
    factories.FigureFactory(incident=incident, basis=choices.Basis.CONCEDED, conceded_by=coalition, count_min=1, count_max=1,
                            stated_on=datetime.date(2017, 5, 1))
    stored = {p.actor_id: p for p in Position.objects.filter(incident=incident)}
    assert (stored[us_forces.pk].stance, stored[us_forces.pk].conceded_killed_min, stored[us_forces.pk].conceded_killed_max,
            stored[us_forces.pk].conceded_killed_open) == (choices.Stance.CREDIBLE, 3, None, True)
    # The coalition conceded later, without a statement: its own figure, never US forces'.
    assert (stored[coalition.pk].stance, stored[coalition.pk].conceded_killed_min) == ("", 1)
    derived = {p.actor_id: (p.stance, p.conceded_killed_min, p.conceded_killed_max) for p in positions.derive_positions(incident)}
    assert derived == {actor: (p.stance, p.conceded_killed_min, p.conceded_killed_max) for actor, p in stored.items()}

    services.delete_statement(statement=_stated(incident, coalition, datetime.date(2017, 6, 1), choices.Stance.DENIES))
    assert Position.objects.get(incident=incident, actor=coalition).stance == ""


def test_positions_on_every_surface_keep_hidden_records_hidden(db, client):
    from tests import dataworld

    world = dataworld.build_world()
    mosul = world["mosul"]
    # An excluded concession by an actor named nowhere else: never a position, never named.
    factories.FigureFactory(incident=mosul, basis=choices.Basis.CONCEDED, conceded_by=factories.ActorFactory(name="Excluded Conceder"),
                            count_min=77, count_max=77, excluded=True, excluded_reason="Misattributed")
    hidden = [*dataworld.hidden_strings(world), "Excluded Conceder"]

    # The draft's "denies" is no public incident's position.
    assert client.get(reverse("api:incident-list"), {"stance": "denies"}).json()["count"] == 0
    assert client.get(reverse("api:incident-list"), {"stance_by": "phantom-brigade"}).status_code == 404  # as if unknown

    api = client.get(reverse("api:incident-list")).json()
    positions = {item["code"]: item["positions"] for item in api["results"]}
    assert positions[mosul.code][0]["stance"] == choices.Stance.CREDIBLE
    assert positions[mosul.code][0]["conceded_killed_min"] == 12
    detail = client.get(reverse("api:incident-detail", args=[mosul.code])).json()
    assert [f["conceded_by"] for f in detail["figures"] if f["basis"] == "conceded"] == [positions[mosul.code][0]["actor"]["slug"]]
    outputs = {
        "list": client.get(reverse("incident_list")).content.decode(),
        "api": client.get(reverse("api:incident-list")).content.decode(),
        "csv": b"".join(client.get(reverse("export_csv")).streaming_content).decode(),
        "claims": b"".join(client.get(reverse("export_claims")).streaming_content).decode(),
        "page": client.get(mosul.get_absolute_url()).content.decode(),
    }
    for name, text in outputs.items():
        for secret in hidden:
            assert secret not in text, (name, secret)
    header = outputs["csv"].splitlines()[0].split(",")
    assert "positions" in header
    assert "conceded killed 12" in outputs["csv"]
    assert "conceded_by" in outputs["claims"].splitlines()[0]

"""Protection reaches into the past: a redaction made today hides the old value from every public view of history
(the change log and the as-of views, in English and Arabic) while the admin's history keeps it for reviewers."""

import datetime

import pytest

from incidents import choices, redaction
from tests.redacted_world import BEFORE, EXACT_LAT, EXACT_LON, MARKERS, build_redacted  # noqa: F401


@pytest.fixture
def redacted(reviewer):
    """Published on 26 March 2017 with every value below public; each withdrawn today, one redaction of each kind."""
    return build_redacted(reviewer)


def _pages(client, incident):
    """The change log (on the current page) and the as-of view before the redactions, in English and Arabic."""
    pages = {}
    for prefix in ("", "/ar"):
        for label, query in (("change log", {}), ("as of", {"as_of": BEFORE})):
            response = client.get(f"{prefix}/incidents/{incident.code}/", query)
            assert response.status_code == 200
            pages[f"{prefix or '/en'} {label}"] = response.content.decode()
    return pages


@pytest.mark.parametrize("kind", list(MARKERS))
def test_no_redacted_value_in_public_history(client, redacted, kind):
    for page, content in _pages(client, redacted["incident"]).items():
        for marker in MARKERS[kind]:
            assert marker not in content, f"{kind}: {marker!r} on {page}"


def test_the_change_log_says_redacted(client, redacted):
    english = client.get(f"/incidents/{redacted['incident'].code}/")
    arabic = client.get(f"/ar/incidents/{redacted['incident'].code}/")

    lines = [line for day in english.context["changes"] for line in day.changes]
    assert "Title: redacted → Strike on a house" in lines
    assert "Reported killed: redacted → 12" in lines
    assert not any(line.startswith("Women killed") for line in lines)  # a range that did not change says nothing
    assert "Victim added: unnamed child, killed" in lines  # the renamed victim, as it reads now; the private one not at all
    assert "محجوب" in arabic.content.decode()  # "redacted", in Arabic


def test_the_as_of_view_shows_the_redacted_form(client, redacted):
    page = client.get(f"/incidents/{redacted['incident'].code}/", {"as_of": BEFORE})

    shown = page.context["incident"]
    assert (shown.title, shown.summary) == ("redacted", "redacted")
    assert (str(shown.latitude), str(shown.longitude)) == ("36.100000", "44.000000")  # snapped to the town grid
    assert shown.geo_precision == choices.GeoPrecision.TOWN
    assert "to protect people: the exact point is withheld" in page.content.decode()
    assert [f.count_max for f in page.context["reported"]] == [12]
    assert [(r["low"], r["high"]) for r in page.context["ranges"] if r["prefix"] == "reported_killed"] == [(12, 12)]
    # Victims public now only, as they read now: the renamed one unnamed, the private one gone.
    assert [str(victim) for victim in page.context["victims"]] == ["unnamed child, killed"]
    assert "Confmarker" not in page.content.decode()


def test_reviewers_still_see_the_exact_history_in_the_admin(reviewer_client, redacted):
    incident = redacted["incident"]
    first = incident.history.order_by("history_date", "history_id").filter(status="published").first()
    page = reviewer_client.get(f"/admin/incidents/incident/{incident.pk}/history/{first.history_id}/").content.decode()
    assert EXACT_LAT in page and "Titlemarker house" in page and "Summarymarker street" in page

    claim = redacted["claim"]
    kept = claim.history.order_by("history_id").first()
    page = reviewer_client.get(f"/admin/incidents/casualtyfigure/{claim.pk}/history/{kept.history_id}/").content.decode()
    assert "Excludedmarker bodies" in page and "7777" in page

    for victim, name in zip(redacted["victims"], ["Privatemarker Haddad", "Renamedmarker Saleh"], strict=True):
        kept = victim.history.order_by("history_id").first()
        page = reviewer_client.get(f"/admin/incidents/victim/{victim.pk}/history/{kept.history_id}/").content.decode()
        assert name in page


def test_a_redaction_mark_hides_only_versions_recorded_before_it(redacted):
    protection = redaction.protection_of(redacted["incident"])
    mark = protection.marks["title"]
    before = redaction.public_version({"history_date": mark - datetime.timedelta(seconds=1), "title": "old"}, protection)
    after = redaction.public_version({"history_date": mark + datetime.timedelta(seconds=1), "title": "new"}, protection)

    assert (before["title"], after["title"]) == ("redacted", "new")

"""A small world for the data-access tests: published records with every kind of hidden record beside them."""

import datetime

from incidents import choices
from incidents.models import Incident
from tests import factories

SECRET_NAME = "Secret Witness Network"
SECRET_TITLE = "Testimony from the secret network"
SECRET_AUTHOR = "Secret Author Hamza"
SECRET_TEXT = "Secret text of the testimony: 100 civilians at least were killed, said the witnesses"
HIDDEN_QUOTE = "excluded words nobody may read"
PRIVATE_NAME = "Private Person"
# Named only on drafts: no public page, no API record, no filter option, no mention anywhere.
DRAFT_ONLY_ACTOR = "Phantom Brigade"
DRAFT_ONLY_CONFLICT = "Phantom Campaign"
DRAFT_ONLY_SOURCE = "Phantom Gazette"
DRAFT_ONLY_REPORT = "Phantom dispatch"  # by a public source, covering only a draft
DRAFT_ONLY_SLUGS = {"actor": "phantom-brigade", "conflict": "phantom-campaign", "source": "phantom-gazette"}


def concede(incident, number, stated_on=datetime.date(2017, 4, 1)):
    statement = factories.StatementFactory(incident=incident, stance=choices.Stance.CREDIBLE, stated_on=stated_on)
    factories.FigureFactory(incident=incident, statement=statement, report=statement.report, basis=choices.Basis.CONCEDED,
                            count_min=number, count_max=number, stated_on=stated_on, attributed_to="the coalition")
    return statement


def build_world() -> dict:
    iraq, syria = factories.ConflictFactory(slug="iraq-war", name="Iraq war"), factories.ConflictFactory(slug="syria-war")
    coalition, russia = factories.ActorFactory(slug="coalition", name="Coalition"), factories.ActorFactory(slug="russia", name="Russia")
    outlet = factories.SourceFactory(slug="outlet", name="Daily Outlet")
    secret = factories.SourceFactory(slug="secret-source", name=SECRET_NAME, is_confidential=True, public_label="local source")

    mosul = factories.IncidentFactory(
        status="published", title="Strike on Zanjili market", date_start=datetime.date(2017, 3, 17), country="IQ", admin1="Nineveh",
        admin2="Mosul district", locality="Mosul", neighbourhood="Zanjili", conflict=iraq, grade="fair", latitude=36.34, longitude=43.13,
        geo_precision=choices.GeoPrecision.NEIGHBOURHOOD,
    )
    factories.BelligerentRoleFactory(incident=mosul, actor=coalition, role="acknowledged")
    factories.FigureFactory(incident=mosul, report=factories.ReportFactory(source=outlet, title="Market hit"), count_min=83, count_max=137,
                            quote="83 to 137 killed")
    factories.FigureFactory(incident=mosul, report=factories.ReportFactory(source=outlet), count_min=900, count_max=900, excluded=True,
                            excluded_reason="typo", quote=HIDDEN_QUOTE)
    secret_report = factories.ReportFactory(source=secret, title=SECRET_TITLE, url="https://secret.example.org/witness",
                                            archive_url="https://archive.example.org/secret-witness", author=SECRET_AUTHOR, text=SECRET_TEXT)
    factories.FigureFactory(incident=mosul, report=secret_report, count_min=100, count_max=None, qualifier="at_least",
                            attributed_to="witnesses", quote="100 civilians at least were killed")
    # The same confidential report states a figure for a period and area: shown on the belligerent's and the conflict's pages.
    factories.AggregateClaimFactory(report=secret_report, actor=coalition, conflicts=[iraq], status="published", area="Nineveh plains",
                                    count_min=100, count_max=None, qualifier="at_least", quote="100 civilians at least were killed")
    concede(mosul, 12)
    factories.VictimFactory(incident=mosul, name="Public Person", visibility="public")
    factories.VictimFactory(incident=mosul, name=PRIVATE_NAME, visibility="private")

    aleppo = factories.IncidentFactory(
        status="published", title="Shelling of Aleppo bakery", date_start=datetime.date(2016, 6, 1), date_end=datetime.date(2016, 6, 3),
        date_precision="days", country="SY", admin1="Aleppo", locality="Aleppo", conflict=syria, event_type="shelling", grade="weak",
        latitude=None, longitude=None, geo_precision=choices.GeoPrecision.CITY,
    )
    factories.BelligerentRoleFactory(incident=aleppo, actor=russia)
    factories.FigureFactory(incident=aleppo, report=factories.ReportFactory(source=outlet), count_min=400, count_max=None, qualifier="more_than")

    yemen = factories.IncidentFactory(
        status="published", title="Raid on Yakla village", date_start=datetime.date(2018, 1, 1), date_end=datetime.date(2018, 1, 31),
        date_precision="month", country="YE", admin1="Al Bayda", locality="Yakla", event_type="ground_raid", grade="confirmed",
        latitude=14.5, longitude=45.1,
    )
    factories.BelligerentRoleFactory(incident=yemen, actor=coalition)
    factories.FigureFactory(incident=yemen, report=factories.ReportFactory(source=outlet), count_min=5, count_max=5)
    concede(yemen, 3)

    hidden = []
    for status in ("draft", "in_review", "retracted"):
        incident = factories.IncidentFactory(
            status=status, title=f"Hidden {status} strike", date_start=datetime.date(2017, 3, 18), country="IQ", admin1="Nineveh",
            conflict=iraq, retraction_reason="wrong" if status == "retracted" else "",
        )
        factories.BelligerentRoleFactory(incident=incident, actor=coalition)
        factories.FigureFactory(incident=incident, report=factories.ReportFactory(source=outlet, title=f"Hidden report {status}"),
                                count_min=50, count_max=50)
        hidden.append(incident)
    phantom = _draft_only_world(outlet)
    for incident in (mosul, aleppo, yemen, *hidden, phantom):
        incident.refresh_from_db()
    return {"mosul": mosul, "aleppo": aleppo, "yemen": yemen, "hidden": [*hidden, phantom], "coalition": coalition, "russia": russia,
            "secret": secret, "secret_report": secret_report, "outlet": outlet, "iraq": iraq, "syria": syria}


def _draft_only_world(outlet) -> Incident:
    """A draft naming an actor, a conflict and a source that no public record names, with a draft aggregate claim beside it."""
    actor = factories.ActorFactory(slug=DRAFT_ONLY_SLUGS["actor"], name=DRAFT_ONLY_ACTOR)
    conflict = factories.ConflictFactory(slug=DRAFT_ONLY_SLUGS["conflict"], name=DRAFT_ONLY_CONFLICT)
    source = factories.SourceFactory(slug=DRAFT_ONLY_SLUGS["source"], name=DRAFT_ONLY_SOURCE)
    draft = factories.IncidentFactory(status="draft", title="Hidden draft phantom raid", date_start=datetime.date(2017, 5, 2), conflict=conflict)
    factories.BelligerentRoleFactory(incident=draft, actor=actor, role="acknowledged")
    own_report = factories.ReportFactory(source=source, title="Phantom Gazette exclusive", url="https://phantom.example.org/exclusive")
    statement = factories.StatementFactory(incident=draft, issuer=actor, report=own_report, stance=choices.Stance.DENIES)
    factories.FigureFactory(incident=draft, report=own_report, statement=statement, basis=choices.Basis.CONCEDED, count_min=4, count_max=4)
    factories.FigureFactory(incident=draft, report=factories.ReportFactory(source=outlet, title=DRAFT_ONLY_REPORT), count_min=6, count_max=6)
    factories.AggregateClaimFactory(report=own_report, actor=actor, conflicts=[conflict], status="draft", area="Phantom valley")
    return draft


def hidden_strings(world) -> list[str]:
    """Text that must never appear in any public output."""
    return [SECRET_NAME, SECRET_TITLE, "secret.example.org", "secret-witness", SECRET_AUTHOR, "Secret text", "secret-source",
            HIDDEN_QUOTE, PRIVATE_NAME, "Hidden draft", "Hidden in_review", "Hidden retracted", "Hidden report", DRAFT_ONLY_ACTOR,
            DRAFT_ONLY_CONFLICT, DRAFT_ONLY_SOURCE, DRAFT_ONLY_REPORT, "Phantom", "phantom", *DRAFT_ONLY_SLUGS.values(),
            *[incident.code for incident in world["hidden"]]]


def published_codes() -> list[str]:
    return list(Incident.objects.published().order_by("-date_start", "-id").values_list("code", flat=True))

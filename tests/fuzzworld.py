"""The small fixed world the property and schema tests run against: three published incidents, one draft.

It holds on purpose the values that broke the API schema: an actor in no coalition and one in a coalition (null
and non-null `parent`), an incident not graded yet (`grade` ""), a position with no stance (a concession only),
reports with no link and with a non-ASCII one, an incident with no conflict and no coordinates.
"""

import datetime

from incidents import choices
from tests import factories
from tests.dataworld import concede

DRAFT_TITLE = "Fuzz draft that nobody may see"


def build_fuzz_world() -> dict:
    war = factories.ConflictFactory(slug="war", name="The war")
    coalition = factories.ActorFactory(slug="coalition", name="Coalition", kind=choices.ActorKind.COALITION)
    member = factories.ActorFactory(slug="member", name="Member state", parent=coalition, country="US")
    loner = factories.ActorFactory(slug="loner", name="Lone force")
    outlet = factories.SourceFactory(slug="outlet", name="Daily Outlet", homepage="")
    arabic = factories.SourceFactory(slug="arabic", name="صحيفة", homepage="https://ar.example.org/", language="ar")

    ungraded = factories.IncidentFactory(
        status="published", title="Ungraded strike", grade="", conflict=None, latitude=None, longitude=None,
        date_start=datetime.date(2016, 6, 1), date_end=datetime.date(2016, 6, 3), date_precision="days", country="SY",
    )
    factories.BelligerentRoleFactory(incident=ungraded, actor=loner)
    factories.FigureFactory(incident=ungraded, report=factories.ReportFactory(source=outlet, url="", published_on=None),
                            count_min=400, count_max=None, qualifier="more_than")
    factories.StatementFactory(incident=ungraded, issuer=loner, stance=choices.Stance.DENIES,
                               report=factories.ReportFactory(source=outlet))

    graded = factories.IncidentFactory(status="published", title="Market strike", grade="fair", conflict=war,
                                       date_start=datetime.date(2017, 3, 17))
    factories.BelligerentRoleFactory(incident=graded, actor=member, role="acknowledged")
    factories.FigureFactory(incident=graded, report=factories.ReportFactory(source=arabic, url="https://ar.example.org/تقرير/1"),
                            count_min=83, count_max=137, quote="83 to 137 killed")
    concede(graded, 12)  # a concession with no stance of the conceding actor: a position whose stance is ""
    factories.VictimFactory(incident=graded, name="Public Person", name_ar="شخص", visibility="public")
    factories.ExternalIdentifierFactory(incident=graded, url="")

    third = factories.IncidentFactory(status="published", title="Raid", grade="confirmed", conflict=war, country="YE",
                                      event_type="ground_raid", date_start=datetime.date(2018, 1, 1))
    factories.BelligerentRoleFactory(incident=third, actor=coalition)
    factories.FigureFactory(incident=third, report=factories.ReportFactory(source=outlet), count_min=5, count_max=5)

    draft = factories.IncidentFactory(status="draft", title=DRAFT_TITLE, conflict=war)
    factories.FigureFactory(incident=draft, report=factories.ReportFactory(source=outlet), count_min=50, count_max=50)
    for incident in (ungraded, graded, third, draft):
        incident.refresh_from_db()
    return {"ungraded": ungraded, "graded": graded, "third": third, "draft": draft, "war": war, "coalition": coalition,
            "member": member, "loner": loner, "outlet": outlet, "arabic": arabic}

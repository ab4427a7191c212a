"""The methodology page: every rule shown from where it is written in the code, every total computed live."""

import inspect
from types import SimpleNamespace

from django.shortcuts import render
from django.utils.translation import gettext_lazy

from .. import choices, display, reference_case
from ..citations import DATASET_CITATIONS
from ..conformance import conformance
from ..field_dictionary import field_dictionary
from ..methodology_versions import current_methodology, methodology_history
from ..models import Incident
from ..models.claims import STATED_PRECISION_HELP
from ..services import derive_figures
from ..totals import STRONG_GRADES, totals_by_grade, totals_of

# The UCDP GED 19.1 events bundled with the project come from this distribution of the dataset.
DISTRIBUTIONS = [
    {
        "dataset": choices.Dataset.UCDP_GED,
        "name": "UCDP GED 19.1 events for Iraq, as distributed on the Humanitarian Data Exchange (HDX), with HXL tags",
        "file": "data/ucdp/ucdp_ged191_iraq_hdx_hxl.csv",
        "publisher": "OCHA Humanitarian Data Exchange",
        "homepage": "https://data.humdata.org/",
        "licence": "CC BY-IGO",
        "licence_url": "https://creativecommons.org/licenses/by/3.0/igo/",
    },
]

# Examples of the display rule, each rendered by the one function that applies it: (min, max, open, no-number claim, when).
RANGE_EXAMPLES = [
    (None, None, False, False, gettext_lazy("nothing known")),
    (137, 137, False, False, gettext_lazy("the lowest and highest agree")),
    (101, 101, True, False, gettext_lazy("only an open claim such as “more than 100” (101 or more): no upper bound")),
    (83, 101, True, False, gettext_lazy("“at least 83” and “more than 100”: no claim closes the top")),
    (None, 200, False, False, gettext_lazy("only a claim with no lower bound such as “up to 200”")),
    (83, 137, False, False, gettext_lazy("claims differ: the lowest minimum and the highest maximum")),
    (1, 1, False, True, gettext_lazy("one source says 1, another “dozens” with no number: the page names the words")),
    (None, None, False, True, gettext_lazy("only a claim with no number (“scores”)")),
]


def _example(low, high, is_open, words_only) -> str:
    record = SimpleNamespace(
        reported_killed_min=low, reported_killed_max=high, reported_killed_open=is_open, reported_killed_unquantified=words_only,
    )
    return display.format_figure(record, "reported_killed")


def methodology(request):
    return render(request, "incidents/methodology.html", {
        "grades": [(grade.value, grade.label, choices.GRADE_DEFINITIONS[grade]) for grade in choices.Grade],
        # The docstring's paragraphs, its hard line breaks unwrapped.
        "derivation_rule": [" ".join(paragraph.split()) for paragraph in inspect.getdoc(derive_figures).split("\n\n")],
        "range_examples": [(_example(*example[:4]), example[4]) for example in RANGE_EXAMPLES],
        "methodology": current_methodology(),
        "methodology_history": methodology_history(),
        "conformance": conformance(),
        "totals": totals_of(Incident.objects.published()),
        "by_grade": totals_by_grade(Incident.objects.published()),
        "strong_grades": [choices.Grade(grade).label for grade in STRONG_GRADES],
        "date_precisions": [
            (precision.value, precision.label, choices.DATE_PRECISION_DEFINITIONS[precision]) for precision in choices.DatePrecision
        ],
        "geo_precisions": [
            (precision.value, precision.label, choices.GEO_PRECISION_DEFINITIONS[precision], display.GEO_PRECISION_WORDS[precision])
            for precision in choices.GeoPrecision
        ],
        "stated_precisions": choices.StatedPrecision.choices,
        "stated_precision_rule": STATED_PRECISION_HELP,
        "qualifiers": [(qualifier.value, qualifier.label, choices.QUALIFIER_HOW[qualifier]) for qualifier in choices.Qualifier],
        "field_dictionary": field_dictionary(),
        "sdg_categories": [
            (gettext_lazy("status"), [label for _value, label in choices.PersonStatus.choices]),
            (gettext_lazy("sex"), [label for _value, label in choices.Sex.choices]),
            (gettext_lazy("age"), [label for _value, label in choices.AgeGroup.choices]),
            (gettext_lazy("cause"), [label for _value, label in choices.Cause.choices]),
            (gettext_lazy("protected profession"), [label for _value, label in choices.Profession.choices]),
        ],
        "datasets": [
            {"value": value, **citation, "distributions": [d for d in DISTRIBUTIONS if d["dataset"] == value]}
            for value, citation in DATASET_CITATIONS.items()
        ],
        "reference_article": {"title": reference_case.ARTICLE_TITLE, "published_on": reference_case.ARTICLE_DATE,
                              "outlet": reference_case.ARTICLE_OUTLET},
    })

"""The methodology page: every rule shown from where it is written in the code, every total computed live."""

import inspect

from django.shortcuts import render

from .. import choices, display, reference_case
from ..citations import DATASET_CITATIONS
from ..field_dictionary import field_dictionary
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

# Examples of the display rule, each rendered by the one function that applies it.
RANGE_EXAMPLES = [
    (None, None, "nothing known"),
    (137, 137, "the lowest and highest agree"),
    (101, None, "only an open claim such as “more than 100” (101 or more)"),
    (None, 200, "only a claim with no lower bound such as “up to 200”"),
    (83, 137, "claims differ: the lowest minimum and the highest maximum"),
]

def methodology(request):
    return render(request, "incidents/methodology.html", {
        "grades": [(grade.value, grade.label, choices.GRADE_DEFINITIONS[grade]) for grade in choices.Grade],
        # The docstring's paragraphs, its hard line breaks unwrapped.
        "derivation_rule": [" ".join(paragraph.split()) for paragraph in inspect.getdoc(derive_figures).split("\n\n")],
        "range_examples": [(display.format_range(low, high), words) for low, high, words in RANGE_EXAMPLES],
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
        "datasets": [
            {"value": value, **citation, "distributions": [d for d in DISTRIBUTIONS if d["dataset"] == value]}
            for value, citation in DATASET_CITATIONS.items()
        ],
        "reference_article": {"title": reference_case.ARTICLE_TITLE, "published_on": reference_case.ARTICLE_DATE,
                              "outlet": reference_case.ARTICLE_OUTLET},
    })

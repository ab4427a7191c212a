"""Licences and citations that imported data requires, written once.

The incident page shows them under "Also tracked by"; the methodology page lists
them with the data sources.
"""

from . import choices

UCDP_GED_CITATIONS = (
    "Sundberg, Ralph and Erik Melander (2013). “Introducing the UCDP Georeferenced Event Dataset”. "
    "Journal of Peace Research 50(4): 523–532.",
    "Högbladh, Stina (2019). “UCDP GED Codebook version 19.1”. Department of Peace and Conflict Research, Uppsala University.",
)

DATASET_CITATIONS = {
    choices.Dataset.UCDP_GED: {
        "name": "UCDP Georeferenced Event Dataset (GED) Global version 19.1",
        "publisher": "Uppsala Conflict Data Program (UCDP), Uppsala University",
        "homepage": "https://ucdp.uu.se/",
        "licence": "CC BY 4.0",
        "licence_url": "https://creativecommons.org/licenses/by/4.0/",
        "citations": UCDP_GED_CITATIONS,
    },
}


def dataset_citation(dataset: str) -> dict | None:
    """The licence and required citations of an external dataset, if it imposes any."""
    return DATASET_CITATIONS.get(dataset)

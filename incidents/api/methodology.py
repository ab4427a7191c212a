"""The OpenAPI schema names the methodology version in force (info.description and `x-methodology-version`), so a
client that reads figures from the API can tell under which rules they were derived (incidents/methodology_versions.py)."""

from django.urls import reverse
from django.utils import translation

from ..methodology_versions import current_methodology


def name_methodology_version(result, generator, request, public):
    """drf-spectacular postprocessing hook: add the methodology version in force to the schema's info."""
    method = current_methodology()
    with translation.override("en"):  # the schema is language-neutral, as the API's own addresses are
        page = reverse("methodology")
    info = result.setdefault("info", {})
    info["x-methodology-version"] = method.number
    info["x-methodology-in-force-from"] = method.in_force_from.isoformat()
    info["description"] = (
        f"{info.get('description', '')} Figures are derived under methodology version {method.number}, in force since "
        f"{method.in_force_from.isoformat()} ({page}#{method.anchor})."
    ).strip()
    return result

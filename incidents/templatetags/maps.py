"""Template tags of the maps: the tile settings and how an incident's point is drawn (rule: incidents.geo)."""

from django import template
from django.conf import settings
from django.templatetags.static import static

from .. import geo

register = template.Library()


@register.simple_tag
def map_background() -> dict:
    """The tile URL and attribution (settings MAP_TILE_URL, MAP_TILE_ATTRIBUTION) and the offline country outlines."""
    return {
        "tiles": settings.MAP_TILE_URL,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        "outlines": static("vendor/world-atlas/countries-110m.json"),
    }


@register.filter
def uncertainty_radius(precision):
    return geo.uncertainty_radius_m(precision)


@register.filter
def uncertainty_shape(precision):
    return geo.uncertainty_shape(precision)


@register.filter
def radius_words(precision):
    return geo.radius_words(geo.uncertainty_radius_m(precision))

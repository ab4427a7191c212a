"""Site-wide answers that belong to no app: the favicon at the address browsers ask for unprompted."""

from django.http import HttpResponseRedirect
from django.templatetags.static import static
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe


@require_safe
@cache_control(max_age=86400, public=True)
def favicon(request):
    """/favicon.ico: browsers ask for it whatever the page's `<link rel="icon">` says; send them to the SVG icon.

    A redirect (not the file) because the icon's static address carries a content hash in production."""
    return HttpResponseRedirect(static("favicon.svg"))

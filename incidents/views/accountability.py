from django.http import Http404


def belligerent_detail(request, slug):  # placeholder
    raise Http404


def conflict_detail(request, slug):  # placeholder
    raise Http404

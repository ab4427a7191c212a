from django.http import Http404


def source_list(request):  # placeholder
    raise Http404


def source_detail(request, slug):  # placeholder
    raise Http404

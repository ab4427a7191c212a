from django.http import Http404


def methodology(request):  # placeholder
    raise Http404

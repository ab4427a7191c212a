from django.http import Http404


def timeline(request):  # placeholder
    raise Http404

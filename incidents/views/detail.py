from django.http import Http404


def incident_detail(request, code):  # placeholder
    raise Http404

from django.http import Http404


def incident_list(request):  # placeholder
    raise Http404

from django.http import HttpResponse


def home(request):  # placeholder: replaced by the public pages work
    return HttpResponse("Casualty Tracker")

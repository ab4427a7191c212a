"""The site's addresses plus one that fails, to see the 500 page as a visitor would (tests/test_finish.py)."""

from django.urls import path

from casualtytracker.urls import urlpatterns as site_urlpatterns


def fail(request):
    raise RuntimeError("a deliberate failure for the 500 page test")


urlpatterns = [path("fail/", fail), *site_urlpatterns]

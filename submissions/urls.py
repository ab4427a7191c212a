from django.urls import path

from . import views

urlpatterns = [
    # The name "submission" puts the form's posts under the SUBMISSIONS rate limit (casualtytracker/limits.py).
    path("submit/", views.submit, name="submission"),
    path("submit/thanks/", views.thanks, name="submission_thanks"),
]

from django.urls import path

from . import views

urlpatterns = [
    path("sources/", views.source_list, name="source_list"),
    path("sources/<slug:slug>/", views.source_detail, name="source_detail"),
]

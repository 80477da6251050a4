from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "elections"
urlpatterns = [
    path("", RedirectView.as_view(pattern_name="hamlets:list", query_string=True), name="dashboard"),
    path("hamlets/<int:hamlet>/congress/<int:term>/", views.congress_edit, name="congress"),
    path("hamlets/<int:hamlet>/elections/<int:term>/new/", views.election_new, name="election_new"),
    path("elections/<int:pk>/edit/", views.election_edit, name="election_edit"),
    path("hamlets/<int:hamlet>/admissions/new/", views.admission_new, name="admission_new"),
    path("import/", views.import_upload, name="import"),
]

from django.urls import path

from . import dashboard, entry, people_pages, people_views, prefill, upload, views
from .targets import admission_targets, targets

app_name = "elections"
urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("report.xlsx", views.report_download, name="report"),
    path("hamlets/<int:hamlet>/congress/<int:term>/", views.congress_edit, name="congress"),
    path("hamlets/<int:hamlet>/elections/<int:term>/new/", views.election_new, name="election_new"),
    path("elections/<int:pk>/edit/", views.election_edit, name="election_edit"),
    path("hamlets/<int:hamlet>/admissions/new/", views.admission_new, name="admission_new"),
    path("entry/", entry.entry_grid, name="entry"),
    path("import/", upload.import_upload, name="import"),
    path("import/jobs/<int:pk>/", upload.import_job, name="import_job"),
    path("import/jobs/<int:pk>.json", upload.import_job_status, name="import_job_status"),
    path("import/jobs/<int:pk>/confirm/", upload.import_confirm, name="import_confirm"),
    path("import/jobs/<int:pk>/problems.csv", upload.import_job_problems, name="import_job_problems"),
    path("import/template.xlsx", prefill.blank_template, name="import_template"),
    path("import/prefill.xlsx", prefill.prefill_download, name="import_prefill"),
    path("people/chiefs/", people_pages.chiefs, name="people"),
    path("hamlets/<int:hamlet>/plans/<int:term>/", people_views.plan_for, name="plan_for"),
    path("plans/<int:pk>/edit/", people_views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/delete/", people_views.plan_delete, name="plan_delete"),
    path("hamlets/<int:hamlet>/evaluations/", people_views.evaluation_for, name="evaluation_for"),
    path("evaluations/<int:pk>/edit/", people_views.evaluation_edit, name="evaluation_edit"),
    path("evaluations/<int:pk>/delete/", people_views.evaluation_delete, name="evaluation_delete"),
    path("targets/", targets, name="targets"),
    path("targets/admissions/", admission_targets, name="admission_targets"),
]

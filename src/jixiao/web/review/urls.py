"""URLs of review (included under /review/ with the namespace "review")."""

from django.urls import path

from . import views

app_name = "review"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("publish", views.publish, name="publish"),
    path("<int:submission_id>/", views.workspace, name="workspace"),
    path("<int:submission_id>/act", views.act, name="act"),
    path("audits/", views.audit_list, name="audits"),
    path("audits/<int:batch_id>/", views.audit_batch, name="audit_batch"),
    path("audits/<int:batch_id>/progress", views.audit_progress, name="audit_progress"),
    path("audits/<int:batch_id>/retry", views.audit_retry, name="audit_retry"),
    path("audits/<int:batch_id>/findings.csv", views.audit_csv, name="audit_csv"),
    path("oplog/", views.oplog_page, name="oplog"),
    path("oplog.xlsx", views.oplog_export, name="oplog_export"),
]

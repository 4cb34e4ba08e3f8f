"""URLs of dashboard (included under /dashboard/ with the namespace "dashboard")."""

from django.urls import path

from . import views

app_name = "dashboard"
urlpatterns = [
    path("", views.index, name="index"),
    path("exports/", views.export_list, name="exports"),
    path("exports/<int:export_id>/row", views.export_row, name="export_row"),
    path("exports/<int:export_id>/retry", views.export_retry, name="export_retry"),
    path("exports/<int:export_id>/file", views.export_file, name="export_file"),
]

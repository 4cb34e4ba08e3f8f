"""URLs of bureau (included under /bureau/ with the namespace "bureau")."""

from django.urls import path

from . import views

app_name = "bureau"
urlpatterns: list = [
    path("tasks/", views.task_list, name="tasks"),
    path("tasks/new", views.task_create, name="task_create"),
    path("tasks/<int:task_id>/", views.task_detail, name="task"),
    path("tasks/<int:task_id>/edit", views.task_edit, name="task_edit"),
    path("tasks/<int:task_id>/info", views.task_info, name="task_info"),
    path("tasks/<int:task_id>/s/<int:submission_id>/exempt", views.task_exempt, name="task_exempt"),
    path("tasks/<int:task_id>/s/<int:submission_id>/extend", views.task_extend, name="task_extend"),
    path("attachments/<int:attachment_id>", views.attachment_download, name="attachment"),
    path("tables/", views.table_list, name="tables"),
    path("tables/<str:table_id>/", views.table_page, name="table"),
    path("units/", views.unit_list, name="units"),
    path("units/import", views.units_import, name="units_import"),
    path("users/import", views.users_import, name="users_import"),
    path("scopes/", views.scopes, name="scopes"),
    path("progress/", views.progress_page, name="progress"),
    path("progress/remind", views.progress_remind, name="progress_remind"),
    path("progress/export.xlsx", views.progress_export, name="progress_export"),
]

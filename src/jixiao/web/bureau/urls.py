"""URLs of bureau (included under /bureau/ with the namespace "bureau")."""

from django.urls import path  # noqa: F401

app_name = "bureau"
urlpatterns: list = []

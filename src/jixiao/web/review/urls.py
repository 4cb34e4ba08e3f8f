"""URLs of review (included under /review/ with the namespace "review")."""

from django.urls import path  # noqa: F401

app_name = "review"
urlpatterns: list = []

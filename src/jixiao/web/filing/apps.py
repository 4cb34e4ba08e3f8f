"""Django app config for filing."""

from django.apps import AppConfig


class FilingConfig(AppConfig):
    name = "jixiao.web.filing"
    label = "filing"
    verbose_name = "绩效自评填报"

"""Django app config for review."""

from django.apps import AppConfig


class Config(AppConfig):
    name = "jixiao.web.review"
    label = "review"
    verbose_name = "审核与公开"

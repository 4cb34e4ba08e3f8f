"""Django app config for the pages."""

from django.apps import AppConfig


class FrontConfig(AppConfig):
    name = "jixiao.web.front"
    label = "front"
    verbose_name = "页面"

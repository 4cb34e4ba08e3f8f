"""Django app config for dashboard."""

from django.apps import AppConfig


class Config(AppConfig):
    name = "jixiao.web.dashboard"
    label = "dashboard"
    verbose_name = "统计与导出"

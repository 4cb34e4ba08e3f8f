"""Django app config for bureau."""

from django.apps import AppConfig


class Config(AppConfig):
    name = "jixiao.web.bureau"
    label = "bureau"
    verbose_name = "财政局任务管理"

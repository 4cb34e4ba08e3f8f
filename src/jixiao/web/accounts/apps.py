"""Django app config for accounts."""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "jixiao.web.accounts"
    label = "accounts"
    verbose_name = "账户与单位"

    def ready(self) -> None:
        _chinese_names_for_add_ons()


# Add-ons that ship no zh_Hans catalog (web.md §9.4): their admin sections named in Chinese here.
ADD_ON_NAMES = {
    "axes": ("登录保护", {"AccessAttempt": "登录失败记录", "AccessFailureLog": "登录失败日志",
                          "AccessLog": "登录日志", "AccessAttemptExpiration": "锁定到期"}),
    "django_tasks_database": ("后台任务", {"DBTaskResult": "任务结果"}),
}


def _chinese_names_for_add_ons() -> None:
    from django.apps import apps

    for label, (app_name, models) in ADD_ON_NAMES.items():
        if not apps.is_installed(label) and label not in apps.app_configs:
            continue
        config = apps.get_app_config(label)
        config.verbose_name = app_name
        for model in config.get_models():
            name = models.get(model.__name__)
            if name:
                model._meta.verbose_name = model._meta.verbose_name_plural = name

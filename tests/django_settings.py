"""Settings for the test run: the application's own, with data in a temporary folder and jobs run inline."""

import os
import tempfile

os.environ.setdefault("JIXIAO_HOME", tempfile.mkdtemp(prefix="jixiao-test-"))
os.environ.setdefault("JIXIAO_TASKS", "immediate")
os.environ.setdefault(
    "DJANGO_ALLOW_ASYNC_UNSAFE", "true"
)  # Playwright's sync API runs an event loop in the test thread

from jixiao.web.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast logins in tests only
ALLOWED_HOSTS = ["*"]

if os.environ.get("JIXIAO_TEST_DB"):  # parallel runs on one PostgreSQL server each need their own test database
    DATABASES["default"]["TEST"] = {"NAME": os.environ["JIXIAO_TEST_DB"]}  # noqa: F405

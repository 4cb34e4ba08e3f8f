"""WSGI entry point: ``gunicorn jixiao.web.wsgi`` in production, waitress in ``jixiao serve``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jixiao.web.settings")
application = get_wsgi_application()

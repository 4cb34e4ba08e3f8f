"""URL map: pages, the API under /api/, the admin, public pages and /healthz."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from .api import api
from .front import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("login/", auth_views.LoginView.as_view(template_name="jixiao/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("me/", views.profile, name="profile"),
    path("s/<int:submission_id>/", views.submission, name="submission"),
    path("s/<int:submission_id>/save", views.save, name="save"),
    path("s/<int:submission_id>/action", views.act, name="act"),
    path("s/<int:submission_id>/import", views.import_figures, name="import_figures"),
    path("s/<int:submission_id>/last-year", views.copy_last_year, name="copy_last_year"),
    path("s/<int:submission_id>/files/<str:name>", views.download, name="download"),
    path("s/<int:submission_id>/pdf", views.pdf_status, name="pdf_status"),
    path("s/<int:submission_id>/preview", views.preview, name="preview"),
    path("public/", views.public_reports, name="public_reports"),
    path("public/verify", views.public_verify, name="public_verify"),
    path("public/files/<int:file_id>/<str:name>", views.public_file, name="public_file"),
    path("bureau/", include("jixiao.web.bureau.urls")),
    path("review/", include("jixiao.web.review.urls")),
    path("dashboard/", include("jixiao.web.dashboard.urls")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
]

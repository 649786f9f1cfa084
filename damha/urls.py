from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from committees import views as committee_views
from committees.forms import AdminLoginForm, LoginForm
from committees.views import help_page
from indicators import views as indicators_views
from reports.views import home

from . import views

admin.site.site_header = _("Quản trị — Theo dõi chỉ tiêu Ban Chỉ đạo")
admin.site.site_title = _("Quản trị BCĐ")
admin.site.index_title = _("Thiết lập dữ liệu")
admin.site.login_form = AdminLoginForm

urlpatterns = [
    path("", home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    # At the root, so that the service worker's scope and the app's cover every page.
    path("sw.js", indicators_views.service_worker, name="service_worker"),
    path("manifest.webmanifest", indicators_views.manifest, name="manifest"),
    path("help/", help_page, name="help"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=LoginForm),
        name="login",
    ),
    path("accounts/logout/", views.LogoutClearingSiteData.as_view(), name="logout"),
    # Django's password pages (templates/registration/), wired to committees' two views
    # that end a forced password change.
    path("accounts/password_change/", committee_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password_change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/password_reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/password_reset/done/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "accounts/reset/<uidb64>/<token>/",
        committee_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("committees.urls")),
    path("", include("indicators.urls")),
    path("", include("reports.urls")),
]

handler403 = "damha.views.permission_denied"

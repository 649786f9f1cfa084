from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from committees.views import help_page
from reports.views import home

from . import views

admin.site.site_header = _("Quản trị — Theo dõi chỉ tiêu Ban Chỉ đạo")
admin.site.site_title = _("Quản trị BCĐ")
admin.site.index_title = _("Thiết lập dữ liệu")

urlpatterns = [
    path("", home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("help/", help_page, name="help"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("committees.urls")),
    path("", include("indicators.urls")),
    path("", include("reports.urls")),
]

handler403 = "damha.views.permission_denied"

from django.urls import path

from . import api, views

app_name = "reports"

urlpatterns = [
    path("dashboard/<str:unit_code>/<str:period_code>/", views.dashboard, name="dashboard"),
    path("dashboard/<str:unit_code>/<str:period_code>/export.xlsx", views.dashboard_xlsx, name="dashboard_xlsx"),
    path("dashboard/", views.period_switch, name="period_switch"),
    path("api/v1/progress/<str:unit_code>/<str:period_code>/", api.progress, name="api_progress"),
]

from django.urls import path

from . import api, views

app_name = "reports"

urlpatterns = [
    path("dashboard/<str:unit_code>/<str:period_code>/", views.dashboard, name="dashboard"),
    path("dashboard/<str:unit_code>/<str:period_code>/export.xlsx", views.dashboard_xlsx, name="dashboard_xlsx"),
    path("dashboard/", views.period_switch, name="period_switch"),
    path("api/v1/progress/<str:unit_code>/<str:period_code>/", api.progress, name="api_progress"),
]

urlpatterns += [
    path("reports/", views.document_list, name="document_list"),
    path("reports/new/", views.document_create, name="document_create"),
    path("reports/<int:pk>/", views.document_detail, name="document_detail"),
    path("reports/<int:pk>/edit/", views.document_edit, name="document_edit"),
    path("reports/<int:pk>/finalise/", views.document_finalise, name="document_finalise"),
    path("reports/<int:pk>/correct/", views.document_correct, name="document_correct"),
    path("reports/<int:pk>/print/", views.document_print, name="document_print"),
    path("reports/<int:pk>.pdf", views.document_pdf, name="document_pdf"),
    path("reports/<int:pk>.docx", views.document_docx, name="document_docx"),
    path("reports/<int:pk>.xlsx", views.document_xlsx, name="document_xlsx"),
    path("verify/", views.verify, name="verify"),
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("conclusions/<int:pk>/", views.conclusion_update, name="conclusion_update"),
]

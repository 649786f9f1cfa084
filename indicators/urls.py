from django.urls import path

from . import target_views, views

app_name = "indicators"
urlpatterns = [
    path("entry/<str:unit_code>/<str:period_code>/", views.entry, name="entry"),
    path("entry/<str:unit_code>/<str:period_code>/withdraw/", views.withdraw, name="withdraw"),
    path("entry/<str:unit_code>/<str:period_code>/attachments/", views.attach, name="attach"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("attachments/<int:pk>/delete/", views.remove_attachment, name="remove_attachment"),
    path("session/keepalive/", views.keepalive, name="keepalive"),
    path("offline/", views.offline, name="offline"),
    path("review/<str:unit_code>/<str:period_code>/", views.review, name="review"),
    path("submission/<str:unit_code>/<str:period_code>/", views.submission, name="submission"),
    path("submission/<str:unit_code>/<str:period_code>/approve/", views.approve, name="approve"),
    path("submission/<str:unit_code>/<str:period_code>/return/", views.return_submission, name="return"),
    path("submission/<str:unit_code>/<str:period_code>/reopen/", views.reopen, name="reopen"),
    path("submission/<str:unit_code>/<str:period_code>/remind/", views.remind, name="remind"),
    path("import/", views.import_figures, name="import"),
    path("import/template/<str:unit_code>/<str:period_code>.xlsx", views.import_template, name="import_template"),
    path("periods/", views.periods, name="periods"),
    # Plans and targets (issue 14): office users and superusers.
    path("targets/", target_views.index, name="targets"),
    path("targets/plans/new/", target_views.plan_create, name="plan_create"),
    path("targets/plans/<int:pk>/", target_views.plan_edit, name="plan_edit"),
    path("targets/plans/<int:pk>/scan.pdf", target_views.plan_scan, name="plan_scan"),
    path("targets/<str:unit_code>/<int:year>/", target_views.grid, name="target_grid"),
    path("targets/<str:unit_code>/<int:year>/copy/", target_views.copy, name="target_copy"),
    path("targets/<str:unit_code>/<int:year>/split/<str:indicator_code>/", target_views.split, name="target_split"),
    path("targets/<str:unit_code>/<int:year>.xlsx", target_views.grid_xlsx, name="target_xlsx"),
    path("targets/<str:unit_code>/<int:year>/upload/", target_views.upload, name="target_upload"),
    path("targets/<str:unit_code>/<int:year>/history/", target_views.history, name="target_history"),
]

from django.urls import path

from . import views

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
]

from django.urls import path

from . import views

app_name = "committees"

urlpatterns = [
    path("units/change/", views.unit_change, name="unit_change"),
]

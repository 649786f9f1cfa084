from django.urls import path

from . import views

app_name = "committees"

urlpatterns = [
    path("units/change/", views.unit_change, name="unit_change"),
    path("units/<str:unit_code>/roles/move/", views.unit_roles_move, name="unit_roles_move"),
    path("people/", views.people_list, name="people"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("people/<int:pk>/password/", views.person_password, name="person_password"),
    path("people/<int:pk>/active/", views.person_active, name="person_active"),
    path("people/<int:pk>/roles/", views.person_role_add, name="person_role_add"),
    path("people/<int:pk>/roles/<int:role_pk>/remove/", views.person_role_remove, name="person_role_remove"),
]

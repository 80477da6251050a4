"""The officials' pages, under the ``officials`` namespace: ``/officials/`` (read, every scope) and
the management pages (provincial staff and administrators)."""

from django.urls import path

from . import official_manage, official_pages

app_name = "officials"
urlpatterns = [
    path("", official_pages.official_list, name="list"),
    path("<int:pk>/hamlets/<slug:code>/", official_pages.official_hamlets, name="hamlets"),
    path("manage/", official_manage.official_manage, name="manage"),
    path("new/", official_manage.official_new, name="new"),
    path("<int:pk>/edit/", official_manage.official_edit, name="edit"),
    path("<int:pk>/areas/", official_manage.area_add, name="area_add"),
    path("areas/<int:pk>/remove/", official_manage.area_remove, name="area_remove"),
]

from django.urls import path

from . import views

app_name = "hamlets"
urlpatterns = [
    path("", views.HamletListView.as_view(), name="list"),
    path("new/", views.hamlet_new, name="new"),
    path("<int:pk>/", views.hamlet_detail, name="detail"),
    path("<int:pk>/edit/", views.hamlet_edit, name="edit"),
]

"""The hamlet pages' URLs, under the ``hamlets`` namespace (``hamlets:list``, ``hamlets:detail``...)."""

from django.urls import path

from . import hamlet_pages

app_name = "hamlets"
urlpatterns = [
    path("", hamlet_pages.HamletListView.as_view(), name="list"),
    path("new/", hamlet_pages.hamlet_new, name="new"),
    path("<int:pk>/", hamlet_pages.hamlet_detail, name="detail"),
    path("<int:pk>/edit/", hamlet_pages.hamlet_edit, name="edit"),
]

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path


def admin_only(request) -> bool:  # type: ignore[no-untyped-def]
    """Only administrators (superusers) reach the Django admin."""
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = admin_only  # type: ignore[method-assign]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("hamlets/", include("elections.hamlet_urls")),
    path("units/unplaced/", include("hamlets.placement")),
    path("officials/", include("elections.official_urls")),
    path("", include("elections.urls")),
]


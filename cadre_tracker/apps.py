"""Third-party apps under a Vietnamese name in the admin (their own names are English literals,
out of reach of the catalogues)."""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class AxesConfig(AxesAppConfig):
    verbose_name = _("Khoá đăng nhập")


class TasksDatabaseConfig(TasksAppConfig):
    verbose_name = _("Việc chạy nền")

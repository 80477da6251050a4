from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ElectionsConfig(AppConfig):
    name = "elections"
    verbose_name = _("Đại hội và bầu trưởng thôn")

    def ready(self) -> None:
        from . import intervals  # noqa: F401  (connects the signals that keep the interval columns in step)
        from . import facts  # noqa: F401  (then those that keep the facts rows, which read them, in step)

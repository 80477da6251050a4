from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ElectionsConfig(AppConfig):
    name = "elections"
    verbose_name = _("Đại hội và bầu trưởng thôn")

    def ready(self) -> None:
        # connects the signals that keep the interval columns and the facts rows (``facts``, which
        # intervals imports) in step
        from . import intervals  # noqa: F401

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HamletsConfig(AppConfig):
    name = "hamlets"
    verbose_name = _("Địa bàn và đảng viên")

"""Create or update an account and its scope.

    add_account USERNAME --commune NAME [--province NAME]    commune Party committee (2025 list)
    add_account USERNAME --district NAME [--province NAME]   district board member (earlier list)
    add_account USERNAME --province NAME [--editor]           provincial staff
    add_account USERNAME --national                           central staff (whole country, read-only)

The password comes from ``CT_PASSWORD`` or is asked for; Django's password
validators apply. Names are matched as in the import (``hamlets.names``:
case, diacritics' placement, optional prefix). A province is a 2025
province, by name or 2025 code; the name of an earlier province that merged
(Yên Bái) resolves to its 2025 province (Lào Cai), and the command says so.
A commune is one of the 2025 list, looked up within the 2025 province given
(a name shared by several provinces needs ``--province``); a district is one
of the earlier list, by name or code (a name several provinces share, Châu
Thành, needs ``--province``; two of one 2025 province, the Huyện Châu Thành of
Bến Tre and of Trà Vinh in Vĩnh Long, need the code). ``--national`` (the
Central Organization Commission) takes no unit and no ``--editor``: such an
account sees every province and changes nothing.
"""

from __future__ import annotations

import getpass
import os
from typing import Any

from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser
from django.db import transaction

from cadre_tracker.language import LanguageCommand, both
from hamlets.models import Commune, District, Province, UserScope
from hamlets.names import UnitNotFound, find_commune, find_district, find_province, merged_note


class Command(LanguageCommand):
    help = ("Create or update a commune Party committee (--commune), district board (--district), "
            "provincial staff (--province) or central staff (--national, whole country, read-only) account.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--province", metavar="NAME", help="a 2025 province, by name or 2025 code")
        parser.add_argument("--district", metavar="NAME", help="a district of the earlier list, by name or code")
        parser.add_argument("--commune", metavar="NAME", help="a commune of the 2025 list")
        parser.add_argument("--editor", action="store_true",
                            help="provincial staff may also change the results and place hamlets")
        parser.add_argument("--national", action="store_true",
                            help="central staff: see every province, change nothing (no unit, no --editor)")

    def password(self, user: User) -> str:
        password = os.environ.get("CT_PASSWORD")
        if password is None:
            password = getpass.getpass(both("Mật khẩu: ", "Password: "))
            if password != getpass.getpass(both("Nhập lại: ", "Again: ")):
                raise CommandError(both("Hai lần nhập mật khẩu không khớp.", "The passwords do not match."))
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError(both("Mật khẩu chưa đạt: ", "Password refused: ") + " ".join(error.messages)) from None
        return password

    def units(self, options: dict[str, Any]) -> tuple[Province | None, District | None, Commune | None]:
        if options["national"]:
            if options["province"] or options["district"] or options["commune"] or options["editor"]:
                raise CommandError(both("--national (cán bộ trung ương) xem cả nước, không sửa gì: không đi cùng "
                                        "--province, --district, --commune hay --editor.",
                                        "--national (central staff) sees the whole country and changes nothing: "
                                        "give it without --province, --district, --commune or --editor."))
            return None, None, None
        if not (options["province"] or options["district"] or options["commune"]):
            raise CommandError(both("Cần --commune (đảng ủy xã), --district (ban tổ chức huyện), --province "
                                    "(cán bộ tỉnh) hoặc --national (cán bộ trung ương).",
                                    "Give --commune (commune Party committee), --district (district board), "
                                    "--province (provincial staff) or --national (central staff)."))
        if options["district"] and options["commune"]:
            raise CommandError(both("Chọn --district hoặc --commune, không chọn cả hai.",
                                    "Give --district or --commune, not both."))
        try:
            province = find_province(options["province"]) if options["province"] else None
            district = find_district(options["district"], province) if options["district"] else None
            commune = find_commune(options["commune"], province) if options["commune"] else None
        except UnitNotFound as error:
            raise CommandError(str(error)) from None
        return province, district, commune

    def handle(self, *args: Any, **options: Any) -> None:
        province, district, commune = self.units(options)
        if province is not None and (note := merged_note(province)):
            self.stdout.write(note)
        national = bool(options["national"])
        editor = bool(options["editor"]) and district is None and commune is None and not national
        user = User.objects.filter(username=options["username"]).first() or User(username=options["username"])
        user.set_password(self.password(user))
        with transaction.atomic():
            user.is_active = True
            user.save()
            unit = district or commune
            scope, _created = UserScope.objects.update_or_create(user=user, defaults={
                "province": unit.province if unit else province, "district": district, "commune": commune,
                "editor": editor, "national": national})
        scope.refresh_from_db()
        if national:
            role = both("cán bộ trung ương: toàn quốc, chỉ xem", "central staff: whole country, read-only")
        elif commune:
            role = both("đảng ủy xã", "commune Party committee") + f": {commune.name}, {scope.province.name}"
        elif district:
            role = both("ban tổ chức huyện", "district board") + f": {district.name}, {district.province.name}"
        else:
            role = both("cán bộ tỉnh", "provincial staff") + f": {scope.province.name}" + (
                both(" (được sửa kết quả)", " (editor)") if editor else "")
        self.stdout.write(f"{user.username}: {role}")

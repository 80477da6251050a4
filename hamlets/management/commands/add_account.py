"""Create or update an account and its scope.

    add_account USERNAME --district NAME [--province NAME]   district board member
    add_account USERNAME --province NAME [--editor]           provincial staff

The password comes from ``CT_PASSWORD`` or is asked for; Django's password
validators apply. Names are matched as in the import (case, diacritics'
placement, optional prefix); a district name that several provinces share
(Châu Thành) needs ``--province``.
"""

from __future__ import annotations

import getpass
import os
from typing import Any

from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from elections.importing.units import DISTRICT, PROVINCE, Lookup, Unit, resolve
from hamlets.models import District, Province, UserScope


def find_province(name: str) -> Province:
    lookup = Lookup(Unit(pk, code, n) for pk, code, n in Province.objects.values_list("pk", "code", "name"))
    found = resolve(lookup, PROVINCE, name)
    if found.unit is None:
        raise CommandError(f"--province: {found.message}")
    return Province.objects.get(pk=found.unit.id)


def find_district(name: str, province: Province | None) -> District:
    rows = District.objects.filter(province=province) if province else District.objects.all()
    units = [Unit(pk, code, n, p) for pk, code, n, p in rows.values_list("pk", "code", "name", "province_id")]
    lookup = Lookup(units)
    hits = lookup.candidates(name)
    if len(hits) > 1 and province is None and len({u.parent_id for u in hits}) > 1:
        provinces = dict(Province.objects.filter(pk__in=[u.parent_id for u in hits]).values_list("pk", "name"))
        where = "; ".join(f"{u.name} ({provinces[u.parent_id]})" for u in hits)
        raise CommandError(f'--district: "{name}" có ở nhiều tỉnh / is in several provinces: {where}. '
                           "Thêm --province / add --province.")
    found = resolve(lookup, DISTRICT, name, parent=province.name if province else "")
    if found.unit is None:
        raise CommandError(f"--district: {found.message}")
    return District.objects.select_related("province").get(pk=found.unit.id)


class Command(BaseCommand):
    help = "Create or update a district board member (--district) or provincial staff (--province) account."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--province", metavar="NAME")
        parser.add_argument("--district", metavar="NAME")
        parser.add_argument("--editor", action="store_true",
                            help="provincial staff may also change the districts' results")

    def password(self, user: User) -> str:
        password = os.environ.get("CT_PASSWORD")
        if password is None:
            password = getpass.getpass("Mật khẩu / Password: ")
            if password != getpass.getpass("Nhập lại / Again: "):
                raise CommandError("Hai lần nhập mật khẩu không khớp / The passwords do not match.")
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError("Mật khẩu chưa đạt / Password refused: " + " ".join(error.messages)) from None
        return password

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["province"] and not options["district"]:
            raise CommandError("Cần --district (ban tổ chức huyện) hoặc --province (cán bộ tỉnh) / "
                               "give --district (district board) or --province (provincial staff).")
        province = find_province(options["province"]) if options["province"] else None
        district = find_district(options["district"], province) if options["district"] else None
        user = User.objects.filter(username=options["username"]).first() or User(username=options["username"])
        user.set_password(self.password(user))
        with transaction.atomic():
            user.is_active = True
            user.save()
            UserScope.objects.update_or_create(user=user, defaults={
                "province": district.province if district else province, "district": district,
                "editor": bool(options["editor"]) and district is None})
        if district:
            role = f"ban tổ chức huyện / district board: {district.name}, {district.province.name}"
        else:
            role = f"cán bộ tỉnh / provincial staff: {province.name}" + (" (editor)" if options["editor"] else "")
        self.stdout.write(f"{user.username}: {role}")

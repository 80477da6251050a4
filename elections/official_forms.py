"""The forms of the officials' management pages (``official_manage.py``): an official's name,
position and phone, and one area to assign (a district of the earlier list or a commune of the 2025
list, of the official's province).

Names are stored NFC and compared by their folded key (``Official.derive``): ``Nguyễn Văn Hoà``
and ``nguyễn văn HÒA`` are one official of the province. Bounds from ``hamlets.bounds`` (names and
positions 120 characters, phone 20 of digits, spaces and ``+().-``).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hamlets import bounds, text
from hamlets.models import Commune, District, Province
from hamlets.scoping import Scope

from .layout import districts_of
from .people_models import Official, OfficialArea


class OfficialForm(forms.ModelForm):
    """An official of ``province``; the name is unique in the province once folded."""

    class Meta:
        model = Official
        fields = ["name", "position", "phone"]
        help_texts = {"phone": gettext_lazy("Tối đa 20 ký tự: chữ số, dấu cách và + ( ) . -")}
        error_messages = {"name": {"required": gettext_lazy("Nhập họ và tên cán bộ.")}}

    def __init__(self, *args: Any, province: Province, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.province = province
        self.instance.province = province

    def clean_name(self) -> str:
        name = text.clean(self.cleaned_data.get("name"))
        if not name:
            raise forms.ValidationError(_("Nhập họ và tên cán bộ."), code="required")
        if len(name) > bounds.NAME_LENGTH:
            raise forms.ValidationError(_("Họ và tên tối đa %(n)s ký tự.") % {"n": bounds.NAME_LENGTH}, code="long")
        same = Official.objects.filter(province=self.province, name_key=text.match_key(name))
        if self.instance.pk:
            same = same.exclude(pk=self.instance.pk)
        if (other := same.first()) is not None:
            raise forms.ValidationError(
                _("%(province)s đã có cán bộ “%(name)s”: mỗi cán bộ chỉ ghi một lần trong tỉnh (tên so không phân "
                  "biệt hoa thường, vị trí dấu). Hãy sửa cán bộ đó.") % {"province": self.province.name,
                                                                          "name": other.name}, code="duplicate")
        return name

    def clean_position(self) -> str:
        return text.clean(self.cleaned_data.get("position"))

    def clean_phone(self) -> str:
        phone = text.clean(self.cleaned_data.get("phone"))
        bounds.validate_phone(phone)
        return phone


class AreaForm(forms.Form):
    """One area to assign: ``d<id>`` a district (earlier list), ``c<id>`` a 2025 commune."""

    unit = forms.CharField(label=gettext_lazy("Địa bàn phụ trách"), widget=forms.Select,
                           error_messages={"required": gettext_lazy("Chọn một huyện hoặc một xã, phường.")})

    def __init__(self, *args: Any, official: Official, scope: Scope, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.official = official
        province = official.province
        districts = districts_of(province, scope).order_by("code").values_list("pk", "name")
        communes = (Commune.objects.restrict(scope).new().filter(province=province).order_by("code")
                    .values_list("pk", "name"))
        groups: list[Any] = [("", "—")]
        if communes := [(f"c{pk}", name) for pk, name in communes]:
            groups.append((_("Xã, phường (danh mục từ 01/07/2025)"), communes))
        if districts := [(f"d{pk}", name) for pk, name in districts]:
            groups.append((_("Huyện (danh mục trước 01/07/2025)"), districts))
        self.fields["unit"].widget.choices = groups

    def clean_unit(self) -> OfficialArea:
        raw = text.clean(self.cleaned_data.get("unit"))
        kind, number = raw[:1], text.whole_number(raw[1:])
        province = self.official.province
        if kind == "d" and number is not None:
            district = District.objects.select_related("province").filter(pk=number).first()
            if district is None:
                raise forms.ValidationError(_("Không có huyện này."), code="unknown")
            if district.province.current_id != province.pk:
                raise forms.ValidationError(_("%(unit)s thuộc %(other)s, không thuộc %(province)s của cán bộ.") % {
                    "unit": district.name, "other": district.province.name, "province": province.name},
                    code="province")
            area = OfficialArea(official=self.official, district=district)
            taken = OfficialArea.objects.filter(official=self.official, district=district).exists()
        elif kind == "c" and number is not None:
            commune = Commune.objects.select_related("province").filter(pk=number).first()
            if commune is None:
                raise forms.ValidationError(_("Không có xã, phường này."), code="unknown")
            if not commune.is_new:
                raise forms.ValidationError(_("%(unit)s thuộc danh mục trước 01/07/2025: chỉ phân công huyện của "
                                              "danh mục đó hoặc xã, phường từ 01/07/2025.") % {"unit": commune.name},
                                            code="list")
            if commune.province_id != province.pk:
                raise forms.ValidationError(_("%(unit)s thuộc %(other)s, không thuộc %(province)s của cán bộ.") % {
                    "unit": commune.name, "other": commune.province.name, "province": province.name},
                    code="province")
            area = OfficialArea(official=self.official, commune=commune)
            taken = OfficialArea.objects.filter(official=self.official, commune=commune).exists()
        else:
            raise forms.ValidationError(_("Chọn một huyện hoặc một xã, phường trong danh sách."), code="invalid")
        if taken:
            raise forms.ValidationError(_("%(official)s đã phụ trách %(unit)s.") % {
                "official": self.official.name, "unit": area.unit}, code="duplicate")
        return area

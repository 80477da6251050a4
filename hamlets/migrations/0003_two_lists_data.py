"""What an existing database holds is the earlier list (``units.md``).

Each earlier province that holds data gets its 2025 province (from the
official package, created here when the 2025 list is not loaded yet), and
every hamlet and account points at that 2025 province. Accounts whose scope
widens because their earlier province merged with others are listed.
"""

from django.db import migrations

from hamlets import text


def _division_type(name):
    prefix, _bare = text.split_prefix(name)
    return prefix


def forwards(apps, schema_editor):
    from hamlets import official

    Province = apps.get_model("hamlets", "Province")
    Commune = apps.get_model("hamlets", "Commune")
    Hamlet = apps.get_model("hamlets", "Hamlet")
    UserScope = apps.get_model("hamlets", "UserScope")
    for commune in Commune.objects.filter(province__isnull=True).select_related("district"):
        commune.province_id = commune.district.province_id
        commune.save(update_fields=["province"])
    earlier = list(Province.objects.filter(unit_list="earlier", successor__isnull=True))
    if not earlier:
        return
    successors, new = official.province_successors(), official.new_provinces()
    for province in earlier:
        code = successors.get(province.code)
        if code is None:
            continue
        official_new = new[code]
        successor = Province.objects.filter(unit_list="2025", code=code).first()
        if successor is None:
            successor = Province.objects.create(
                unit_list="2025", code=code, name=official_new.name, name_key=text.match_key(official_new.name),
                search=text.search_key(official_new.name), division_type=_division_type(official_new.name))
        province.successor = successor
        province.save(update_fields=["successor"])
    mapping = dict(Province.objects.filter(successor__isnull=False).values_list("pk", "successor_id"))
    for earlier_id, new_id in mapping.items():
        Hamlet.objects.filter(commune__district__province_id=earlier_id).update(province_id=new_id)
    # 2025 provinces made of several earlier ones (official data, whatever this database holds)
    merged = {code for code in successors.values() if list(successors.values()).count(code) > 1}
    for scope in UserScope.objects.filter(province_id__in=list(mapping)).select_related("user", "province"):
        new_id = mapping[scope.province_id]
        new_province = Province.objects.get(pk=new_id)
        if scope.district_id is None and new_province.code in merged:
            print(f"\n  account {scope.user.username}: {scope.province.name} merged into "
                  f"{new_province.name} on 1 July 2025; the account now sees the whole new province")
        scope.province_id = new_id
        scope.save(update_fields=["province"])


class Migration(migrations.Migration):
    dependencies = [("hamlets", "0002_two_lists")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

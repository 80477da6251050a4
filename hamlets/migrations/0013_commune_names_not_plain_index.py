"""A partial index of the unit names ``text.bare_name_sql`` does not answer for (none in the official lists).

``models._odd_commune_names`` asks for them on every CSV export of the 2025 layout; without the index that
is the regular expression and string tests over every unit's name (~20 ms for 13,000 names), with it an
index-only scan of an (almost always) empty index. The predicate is ``bare_name_sql('name') IS NULL`` as
written when this migration was: PostgreSQL uses the index only for that very expression, which
``tests/test_csv_lines.py`` checks against the code's (a change there needs a new migration like this).
PostgreSQL only: SQLite knows no ``!~`` and takes the Python path."""

from django.db import migrations

NAME = "commune_name_not_plain"
NOT_PLAIN = (
    "(CASE WHEN name !~ '[^!-~ À-ɏḀ-ỿ]' AND strpos(name, '  ') = 0 AND name NOT LIKE '% ' THEN "
    "CASE WHEN starts_with(name, 'Thành phố ') THEN substr(name, 11) WHEN starts_with(name, 'Thị trấn ') "
    "THEN substr(name, 10) WHEN starts_with(name, 'Thị xã ') THEN substr(name, 8) "
    "WHEN starts_with(name, 'Đặc khu ') THEN substr(name, 9) WHEN starts_with(name, 'Phường ') "
    "THEN substr(name, 8) WHEN starts_with(name, 'Huyện ') THEN substr(name, 7) "
    "WHEN starts_with(name, 'Quận ') THEN substr(name, 6) WHEN starts_with(name, 'Tỉnh ') "
    "THEN substr(name, 6) WHEN starts_with(name, 'Xã ') THEN substr(name, 4) END END) IS NULL"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX {NAME} ON hamlets_commune (name) WHERE {NOT_PLAIN}", None)  # no params: % as is


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):

    dependencies = [
        ('hamlets', '0012_member_admissions_by_hamlet_index'),
    ]

    operations = [migrations.RunPython(create, drop)]

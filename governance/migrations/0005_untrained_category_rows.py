"""The 派单目录 rows of the eight first-level categories without labelled examples (政法, 民政 …), added
to a catalogue that was seeded before they were part of it (a fresh database gets them from
`seed_departments`). Rows already there are kept as edited."""

from django.db import migrations


def add_rows(apps, schema_editor):
    from governance.services.departments import UNTRAINED_CATALOGUE, catalogue_rows_add

    DispatchCatalogue = apps.get_model("governance", "DispatchCatalogue")  # noqa: N806
    if DispatchCatalogue.objects.exists():
        catalogue_rows_add(DispatchCatalogue, UNTRAINED_CATALOGUE)


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0004_catalogue_items"),
    ]

    operations = [
        migrations.RunPython(add_rows, migrations.RunPython.noop),
    ]

from django.db import migrations


def seed(apps, schema_editor):
    from dispatch.calendar_data import seed_time_limits, seed_work_calendar

    seed_work_calendar(apps.get_model("dispatch", "WorkCalendarDay"))
    seed_time_limits(apps.get_model("dispatch", "TimeLimit"))


class Migration(migrations.Migration):
    dependencies = [("dispatch", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

"""0007 moves read state from the notification to the person: what was read stays read."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import DepartmentFactory, StaffProfileFactory, UserFactory

BEFORE = [("dispatch", "0006_sweep_hot_updates")]
AFTER = [("dispatch", "0008_notification_read_state_moved")]


@pytest.mark.django_db(transaction=True)
def test_read_notifications_stay_read_for_their_readers():
    department = DepartmentFactory()
    staff = [StaffProfileFactory(department=department).user for _ in range(2)]
    person = UserFactory()
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("dispatch", "Notification")
    read_unit = old.objects.create(
        kind="grid", message="单位已读", department_id=department.pk, read_at="2026-11-01T08:00Z"
    )
    unread_unit = old.objects.create(kind="grid", message="单位未读", department_id=department.pk)
    read_person = old.objects.create(kind="urge", message="个人已读", user_id=person.pk, read_at="2026-11-02T08:00Z")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)

    reads = executor.loader.project_state(AFTER).apps.get_model("dispatch", "NotificationRead")
    got = {(r.notification_id, r.user_id, r.read_at.isoformat()) for r in reads.objects.all()}
    assert got == {
        (read_unit.pk, staff[0].pk, "2026-11-01T08:00:00+00:00"),
        (read_unit.pk, staff[1].pk, "2026-11-01T08:00:00+00:00"),
        (read_person.pk, person.pk, "2026-11-02T08:00:00+00:00"),
    }
    assert not reads.objects.filter(notification_id=unread_unit.pk).exists()
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())  # leave the schema as the other tests expect

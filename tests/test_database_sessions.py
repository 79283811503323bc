"""Every PostgreSQL session asks for server-side TCP keepalives, so a worker host that dies mid-transaction
loses its session (and its row locks) within ~30 s (docs/scaling.md), and for the idle-transaction
cut-off of DATABASE_IDLE_TRANSACTION_TIMEOUT (off in tests, which hold a transaction open on purpose)."""

import pytest
from django.db import connection


@pytest.mark.django_db
def test_postgresql_sessions_carry_the_keepalives_and_the_idle_transaction_cut_off():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL session settings")
    with connection.cursor() as cursor:
        cursor.execute("SELECT inet_client_addr()")
        if cursor.fetchone()[0] is None:
            pytest.skip("a Unix-socket session has no TCP keepalives")
        shown = {}
        for name in (
            "tcp_keepalives_idle",
            "tcp_keepalives_interval",
            "tcp_keepalives_count",
            "idle_in_transaction_session_timeout",
        ):
            cursor.execute(f"SHOW {name}")
            shown[name] = cursor.fetchone()[0]

    assert shown == {
        "tcp_keepalives_idle": "15",
        "tcp_keepalives_interval": "5",
        "tcp_keepalives_count": "3",
        "idle_in_transaction_session_timeout": "0",
    }

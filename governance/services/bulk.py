"""Fast inserts for the seed: tens of thousands of rows without building model instances.

Django's bulk_create spends most of its time instantiating models and preparing each value; the grid
seed writes ~330,000 rows, so it writes plain tuples instead: COPY on PostgreSQL, executemany elsewhere.
Ids are allocated up front (PostgreSQL: from the table's sequence; SQLite: after MAX(id), safe because
the caller holds the write transaction) so children can point at their parents.
"""

from django.db import connection


def insert_rows(model, columns: list[str], rows: list[tuple]) -> list[int]:
    """Insert `rows` (values for `columns`, without the id) and return their new ids, in order.
    Values must already be in database form (see `connection.ops.adapt_datetimefield_value`)."""
    if not rows:
        return []
    table = model._meta.db_table
    quote = connection.ops.quote_name
    column_list = ", ".join(quote(c) for c in ("id", *columns))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, len(rows)]
            )
            ids = [row[0] for row in cursor.fetchall()]
            with cursor.cursor.copy(f"COPY {quote(table)} ({column_list}) FROM STDIN") as copy:
                for id_, row in zip(ids, rows, strict=True):
                    copy.write_row((id_, *row))
        else:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {quote(table)}")
            start = cursor.fetchone()[0] + 1
            ids = list(range(start, start + len(rows)))
            placeholders = ", ".join(["%s"] * (len(columns) + 1))
            cursor.executemany(
                f"INSERT INTO {quote(table)} ({column_list}) VALUES ({placeholders})",
                [(id_, *row) for id_, row in zip(ids, rows, strict=True)],
            )
    return ids

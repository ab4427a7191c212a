"""The query planner's statistics, refreshed after the database changes in bulk.

Both databases choose how to run a query (which index, which join order) from statistics on each table. PostgreSQL
keeps them up to date by itself (autovacuum); SQLite has none until ANALYZE runs, and without them it may walk every
published incident for each report it checks (seen at 100,000 incidents: minutes instead of under a second). So
after every migrate, and after each bulk load (the demo data, a confirmed import, the synthetic data), the loader
calls `refresh_planner_statistics`, on either database.
"""

from django.db import connections


def refresh_planner_statistics(using: str = "default") -> None:
    """ANALYZE the database (seconds at 100,000 incidents; nothing is locked for readers)."""
    connection = connections[using]
    if connection.vendor not in ("postgresql", "sqlite"):
        return
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

"""Storage: SQLAlchemy Core over SQLite, or a PostgreSQL server (docs/postgresql.md); schema by Alembic."""

from .database import Store

__all__ = ["Store"]

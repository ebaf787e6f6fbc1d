"""Storage: SQLAlchemy Core over SQLite (PostgreSQL later), schema by Alembic."""

from .database import Store

__all__ = ["Store"]

"""SQLAlchemy implementation of the core's ports, with Alembic migrations."""

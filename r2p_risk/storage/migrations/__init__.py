"""Alembic migrations of the database schema; `r2p_risk.storage.schema` runs them on every start."""

"""Alembic's environment: our metadata, on the connection `r2p_risk.storage.schema` hands over.

Without one (a developer running Alembic by hand), it connects to `sqlalchemy.url` of the config.
"""

from alembic import context
from sqlalchemy import create_engine, pool

from r2p_risk.storage.tables import metadata


def run_migrations(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        compare_type=True,
        render_as_batch=connection.dialect.name == "sqlite",
    )  # SQLite alters tables by copying them
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    run_migrations(connection)
else:
    url = context.config.get_main_option("sqlalchemy.url")
    if url is None:
        raise RuntimeError("the migrations run on a connection, or on the database at sqlalchemy.url; neither is given")
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.begin() as new_connection:
        run_migrations(new_connection)

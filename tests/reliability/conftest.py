import threading

import kombu.pools
import pytest
from django.db import connection

from csops.celery import app
from people import outbox


def drop_broker_connections():
    # kombu caches connections and producer pools per process: clear them so a new broker_url is read
    kombu.pools.reset()
    app._after_fork()
    app._backend_cache = None
    app._local = threading.local()


@pytest.fixture
def broker_down():
    """Celery publishes for real (not eagerly) to a broker nobody answers on."""
    saved = {k: app.conf[k] for k in ("broker_url", "task_always_eager", "broker_transport_options")}
    app.conf.update(
        broker_url="redis://127.0.0.1:1/0",
        task_always_eager=False,
        broker_transport_options={"socket_connect_timeout": 1, "socket_timeout": 1},
    )
    drop_broker_connections()
    yield
    app.conf.update(saved)
    drop_broker_connections()
    outbox._quiet_until = 0.0


@pytest.fixture
def fail_inserts():
    """fail_inserts(table, column, value): inserting a row whose `column` equals `value` into `table`
    fails in the database — a bad row the code cannot foresee, with nothing of ours mocked."""
    made = []

    def _install(table, column, value):
        name = f"csops_test_fail_{len(made)}"
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"CREATE FUNCTION {name}() RETURNS trigger AS $$ BEGIN "
                    f"IF NEW.{column} = %s THEN RAISE EXCEPTION 'bad row %%', NEW.{column}; END IF; "
                    "RETURN NEW; END $$ LANGUAGE plpgsql",
                    [value],
                )
                cursor.execute(
                    f"CREATE TRIGGER {name} BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION {name}()"
                )
            else:
                literal = str(value).replace("'", "''")
                cursor.execute(
                    f"CREATE TRIGGER {name} BEFORE INSERT ON {table} WHEN NEW.{column} = '{literal}' "
                    "BEGIN SELECT RAISE(ABORT, 'bad row'); END"
                )
        made.append(name)

        def remove():
            with connection.cursor() as cursor:
                on_table = f" ON {table}" if connection.vendor == "postgresql" else ""
                cursor.execute(f"DROP TRIGGER {name}{on_table}")

        return remove

    return _install

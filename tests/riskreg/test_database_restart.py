"""After a database restart (every server connection terminated), the next request of each
process reconnects instead of failing on its dead persistent connection."""

import psycopg
import pytest
from django.db import connection


@pytest.mark.django_db(transaction=True)
def test_a_request_after_the_connection_was_terminated_reconnects():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: a server that can terminate a session")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        [pid] = cursor.fetchone()
    params = connection.get_connection_params()
    admin = psycopg.connect(
        **{key: value for key, value in params.items() if key in {"dbname", "user", "password", "host", "port"}},
        autocommit=True,
    )
    with admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])

    # What Django does at the start of every request (request_started).
    connection.close_if_unusable_or_obsolete()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True

"""The audit chain head's row lock serialises every write of the practice: a signing takes it last,
so concurrent signers on different clients queue only for its events and its commit (issue 26)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from recommendations.models import DecisionRequest
from tests.recommendations.risk.test_rescore_concurrency import ready_to_sign, sign


@pytest.mark.django_db
def test_a_signing_writes_nothing_but_its_audit_events_once_it_holds_the_chain_head(client_record, vcio):
    request = ready_to_sign(client_record, vcio)

    with CaptureQueriesContext(connection) as captured:
        sign(request)

    statements = [query["sql"] for query in captured.captured_queries]
    head = next(index for index, sql in enumerate(statements) if 'UPDATE "audit_chainhead"' in sql)
    after = statements[head + 1 :]
    assert after and all("audit_" in sql or sql.startswith("RELEASE SAVEPOINT") for sql in after), after
    request.refresh_from_db()
    assert request.status == DecisionRequest.Status.COMPLETED

"""The SMS outbox (channels → messaging) and the feedback and callback records (portal → feedback)
moved apps with their rows: a database migrated before the move keeps every row, and the reviews'
link to their callback, when it is migrated forward."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from chengguan.core import clock
from chengguan.feedback.models import Callback, Feedback
from chengguan.messaging.models import OutboundMessage
from chengguan.org.roles import RoleCode as R
from chengguan.portal.models import CallbackReview
from tests.cases import flow
from tests.cases.conftest import _fast_tests, district  # noqa: F401  (fixtures)

BEFORE_THE_MOVE = [("feedback", None), ("messaging", None)]
# The last migrations of the apps the models moved out of, before the move.
OLD_HOMES = [("portal", "0002_public_reports"), ("channels", "0001_initial")]


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    return executor


@pytest.mark.django_db(transaction=True)
def test_rows_written_before_the_move_are_there_after_it(district):  # noqa: F811
    case = flow.report(district)
    officer = district.users[R.OPERATOR]
    now = clock.now()
    try:
        old = _migrate(BEFORE_THE_MOVE).loader.project_state(OLD_HOMES).apps
        old_callback = old.get_model("portal", "Callback").objects.create(
            case_id=case.pk, rating="dissatisfied", method="phone", at=now, officer_id=officer.pk
        )
        old.get_model("portal", "Feedback").objects.create(
            case_id=case.pk, method="sms", content="已处理", at=now, officer_id=officer.pk
        )
        old.get_model("portal", "CallbackReview").objects.create(
            callback_id=old_callback.pk,
            decision="explain",
            note="已说明",
            decided_by_id=officer.pk,
            decided_at=now,
        )
        old.get_model("channels", "OutboundMessage").objects.create(
            key="case:1:file", phone="13812345678", body="【城管】已立案", case_id=case.pk, created_at=now
        )
    finally:
        _migrate(None)

    callback = Callback.objects.get()
    assert (callback.pk, callback.rating) == (old_callback.pk, "dissatisfied")
    assert Feedback.objects.get().content == "已处理"
    assert CallbackReview.objects.select_related("callback").get().callback == callback
    assert OutboundMessage.objects.get().key == "case:1:file"

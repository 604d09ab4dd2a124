"""Migration people 0002 moves the certificate numbers kept on staff profiles (`StaffProfile.cert_no`,
dropped by org 0008) into the registry: a profile with a number before it holds a valid certificate
with that number after it, in its bureau, flagged for the personnel officer to enter the real dates;
a profile without one gets none. Run on SQLite and PostgreSQL (DATABASE_URL)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from chengguan.core import clock
from chengguan.people.models import Certificate
from tests import factories

# The registry exists (people 0001), the numbers are still on the profiles (org before 0008).
BEFORE = [("people", "0001_initial"), ("org", "0007_city_above_bureaus")]
NOTE = "由人员档案迁入，请核对发证机关和有效期"


def _migrate(targets=None) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    return executor


@pytest.mark.django_db(transaction=True)
def test_a_profile_s_cert_no_becomes_a_certificate_with_that_number():
    bureau = factories.bureau(short_name="中原城管")
    squad = factories.squad(bureau, name="一中队")
    joined = dt.datetime(2024, 3, 1, 9, tzinfo=clock.SHANGHAI)
    try:
        old = _migrate(BEFORE).loader.project_state(BEFORE).apps
        User = old.get_model("auth", "User")
        StaffProfile = old.get_model("org", "StaffProfile")
        assert "cert_no" in {f.name for f in StaffProfile._meta.get_fields()}
        officer = User.objects.create(username="zhang_wei", date_joined=joined)
        StaffProfile.objects.create(
            user=officer, organisation_id=squad.pk, full_name="张伟", cert_no="豫A0123"
        )
        clerk = User.objects.create(username="li_na", date_joined=joined)
        StaffProfile.objects.create(user=clerk, organisation_id=bureau.pk, full_name="李娜", cert_no="")
        assert not old.get_model("people", "Certificate").objects.exists()
    finally:
        _migrate()
    cert = Certificate.objects.get(holder_id=officer.pk)
    assert cert.number == "豫A0123"
    assert cert.bureau_id == bureau.pk and cert.state == "valid" and cert.note == NOTE
    today = dt.date.today()
    assert cert.valid_from == dt.date(2024, 3, 1) and cert.valid_to == dt.date(today.year + 1, 12, 31)
    assert cert.in_force(today)
    assert not Certificate.objects.filter(holder_id=clerk.pk).exists()

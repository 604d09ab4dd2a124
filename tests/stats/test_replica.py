"""Reports, exports and statistics read from the replica; the closed loop and every write stay on the
primary. Here the replica is a second connection to the test database under the replica's alias;
`make replica-check` runs the same routing against a real streaming replica."""

from __future__ import annotations

import datetime as dt
import warnings

import pytest
from django.conf import settings
from django.db import connections
from django.db.utils import load_backend
from django.test.utils import CaptureQueriesContext, override_settings

from chengguan.cases import export
from chengguan.cases.models import Case, CaseSource
from chengguan.core import clock
from chengguan.core.replica import REPLICA
from chengguan.org.roles import RoleCode as R
from chengguan.stats import figures
from tests.cases import flow

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def replica():
    """The replica's alias for this test only: a connection made on the fly (which the test case's
    database isolation allows) and a settings view that names it."""
    alias = {**connections.settings["default"]}
    connection = load_backend(alias["ENGINE"]).DatabaseWrapper(alias, REPLICA)
    connections[REPLICA] = connection
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Django warns that overriding DATABASES is unusual.
        override = override_settings(DATABASES={**settings.DATABASES, REPLICA: alias})
        override.enable()
    try:
        yield connection
    finally:
        connection.close()
        del connections[REPLICA]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            override.disable()


def _queries(alias: str) -> CaptureQueriesContext:
    return CaptureQueriesContext(connections[alias])


def test_an_export_reads_its_rows_from_the_replica_and_nothing_from_the_primary(district, replica):
    case = flow.drive(district, "filed", role=R.OPERATOR)
    with _queries("default") as primary, _queries(REPLICA) as copy:
        rows = list(export.export_rows(Case.objects.all()))
    assert [row[0] for row in rows] == [case.number]
    assert copy.captured_queries, "the export did not read from the replica"
    assert not primary.captured_queries


def test_what_a_consumer_does_between_two_exported_rows_stays_on_the_primary(district, replica):
    first = flow.drive(district, "filed", role=R.OPERATOR)
    flow.drive(district, "filed", role=R.OPERATOR)
    with _queries("default") as primary, _queries(REPLICA) as copy:
        for _ in export.export_rows(Case.objects.order_by("pk")):
            Case.objects.filter(pk=first.pk).exists()
    assert len(primary.captured_queries) == 2
    assert all("UPDATE" not in q["sql"] and "INSERT" not in q["sql"] for q in copy.captured_queries)


def test_the_figures_of_a_year_are_counted_on_the_replica(district, replica):
    flow.drive(district, "closed", role=R.CITIZEN, source=CaseSource.CITIZEN)
    year = clock.period_bounds(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    with _queries("default") as primary, _queries(REPLICA) as copy:
        shown = figures.all_figures(*year)
    assert len(copy.captured_queries) == len(shown)
    assert not primary.captured_queries


def test_a_case_page_read_and_a_write_go_to_the_primary_even_with_a_replica(district, replica):
    case = flow.drive(district, "filed", role=R.OPERATOR)
    with _queries("default") as primary, _queries(REPLICA) as copy:
        Case.objects.get(pk=case.pk)
        Case.objects.filter(pk=case.pk).update(description="现场已核实")
    assert len(primary.captured_queries) == 2
    assert not copy.captured_queries

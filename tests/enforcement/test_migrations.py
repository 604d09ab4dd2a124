"""Migration 0003 splits the one basis text into 违法依据 and 处罚依据: a case written before it keeps
its text as both, and the decision it prints reads as before."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from chengguan.enforcement.models import PenaltyCase
from tests import factories

BEFORE = [("enforcement", "0002_documents_disclosure_court_evaluation")]


def _migrate(targets=None) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    return executor


@pytest.mark.django_db(transaction=True)
def test_a_case_written_with_one_basis_keeps_it_as_both():
    bureau = factories.bureau(short_name="中原城管")
    try:
        old = _migrate(BEFORE).loader.project_state(BEFORE).apps
        Case = old.get_model("enforcement", "PenaltyCase")
        basis = "《城市市容和环境卫生管理条例》第十四条、第三十六条"
        written = Case.objects.create(
            bureau_id=bureau.pk,
            procedure="general",
            state="investigating",
            facts="占道经营",
            legal_basis=basis,
        )
        blank = Case.objects.create(
            bureau_id=bureau.pk, procedure="general", state="proposed", facts="乱设摊点"
        )
    finally:
        _migrate()
    case = PenaltyCase.objects.get(pk=written.pk)
    assert case.violated_provisions == case.legal_basis == basis
    assert PenaltyCase.objects.get(pk=blank.pk).violated_provisions == ""

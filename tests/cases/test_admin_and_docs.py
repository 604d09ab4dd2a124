"""The case back office and the state diagram in docs/."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.management import call_command

from chengguan.cases.models import ReplyTemplate
from chengguan.cases.states import CASE_MACHINE, Action, CaseState
from chengguan.core import clock
from chengguan.core.models import AuditEvent
from chengguan.org.roles import RoleCode as R
from tests.cases.conftest import QUIET_MOMENT
from tests.cases.flow import drive


def test_the_diagram_has_every_state_and_action_of_the_case_machine_and_the_docs_are_current():
    from chengguan.core.workflow.diagram import mermaid, table

    diagram = mermaid(CASE_MACHINE)
    assert diagram.startswith("stateDiagram-v2\n")
    for state in CaseState:
        assert f"    {state.value}: {state.label}" in diagram
    for t in CASE_MACHINE:
        assert f": {Action(t.action).label}\n" in diagram, t.action
    assert "    suspended --> rework: 恢复办理" in diagram
    close = "| `close` 结案 | verified | closed | `cases.close`: holds:operator,shift_leader & in_bureau |"
    assert f"{close} disposition |" in table(CASE_MACHINE)
    call_command("workflow_diagram", "--check")


def test_cases_are_read_only_in_the_admin(district, client):
    with clock.pinned(QUIET_MOMENT):
        case = drive(district, "handled")
    User.objects.create_superuser("root", "root@example.org", "Root-pass-2026")
    client.login(username="root", password="Root-pass-2026")
    listing = client.get("/admin/cases/case/?state__exact=handled")
    assert listing.status_code == 200 and case.number in listing.content.decode()
    page = client.get(f"/admin/cases/case/{case.pk}/change/")
    assert page.status_code == 200
    assert 'name="description"' not in page.content.decode()  # shown, not editable
    assert client.get("/admin/cases/case/add/").status_code == 403
    assert client.get("/admin/cases/supervision/").status_code == 200


def test_reply_templates_are_edited_in_the_admin_and_audited(district, client):
    admin_user = district.users[R.ADMIN]
    admin_user.is_staff = True  # Django's admin site lets in staff accounts only
    admin_user.save(update_fields=["is_staff"])
    client.force_login(admin_user)
    response = client.post(
        "/admin/cases/replytemplate/add/",
        {"purpose": "handling", "text": "已清理完毕，现场恢复整洁。", "is_active": "on", "category": ""},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    template = ReplyTemplate.objects.get()
    assert template.text == "已清理完毕，现场恢复整洁。"
    event = AuditEvent.objects.get(action="case.reply_template_added")
    assert event.actor_id == district.users[R.ADMIN].pk

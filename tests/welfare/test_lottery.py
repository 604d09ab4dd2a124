"""The pitch draw: re-running it with its seed gives the same allocation; hardship applicants are
never behind the others; a vacancy goes to the head of the waiting list."""

from __future__ import annotations

import hashlib

from hypothesis import given
from hypothesis import strategies as st

from chengguan.core.models import AuditEvent
from chengguan.org.roles import RoleCode as R
from chengguan.welfare import lottery, selectors, services
from chengguan.welfare.models import Outcome
from tests.welfare.conftest import draw, spot, vendor


@given(
    seed=st.text(alphabet="0123456789abcdef", min_size=1, max_size=64),
    groups=st.lists(st.booleans(), max_size=40),
    pitches=st.integers(min_value=1, max_value=30),
)
def test_a_hardship_applicant_is_never_behind_a_non_hardship_one(seed, groups, pitches):
    applicants = [(f"{i + 1:04d}", g) for i, g in enumerate(groups)]
    placed = lottery.draw(seed, applicants, pitches)
    seen_ordinary = False
    for p in placed:
        if not p.priority:
            seen_ordinary = True
        assert not (p.priority and seen_ordinary)
    assert [p.rank for p in placed] == list(range(1, len(placed) + 1))
    assert [p.pitch for p in placed if p.pitch] == list(range(1, min(pitches, len(placed)) + 1))
    assert lottery.draw(seed, list(reversed(applicants)), pitches) == placed


def test_the_rank_is_sha256_of_seed_and_application_number():
    assert lottery.rank_hash("ab", "0001") == hashlib.sha256(b"ab0001").hexdigest()


def _drawn(district, applicants: int = 6, hardship=(2, 5)):
    d = district
    dr = draw(d, spot(d, pitches=3))
    for i in range(applicants):
        v = vendor(d, hardship="dibao" if i in hardship else "")
        services.draw_apply(actor=d.users[R.HANDLER], draw=dr, vendor=v)
    committed = dr.seed_hash
    services.draw_transition(actor=d.users[R.ADMIN], draw=dr, action="close")
    dr = services.draw_transition(actor=d.users[R.ADMIN], draw=dr, action="draw")
    assert lottery.commitment(dr.seed) == committed
    return dr


def test_re_running_a_published_draw_with_its_seed_reproduces_the_allocation(district):
    dr = _drawn(district)
    rows = list(selectors.applications_of(dr))
    result = selectors.rerun(dr, dr.seed)
    assert result["matches_commitment"] and result["matches_published"]
    assert [(p.number, p.pitch) for p in result["placed"]] == [(a.number, a.pitch) for a in rows]
    assert [a.priority for a in rows][:2] == [True, True]
    wrong = selectors.rerun(dr, "00" + dr.seed[2:])
    assert not wrong["matches_commitment"]


def test_the_public_page_re_runs_the_draw_for_anyone(district, client):
    dr = _drawn(district)
    page = client.get(f"/vending-draws/{dr.pk}/", {"seed": dr.seed})
    text = page.content.decode()
    assert page.status_code == 200
    assert "与公布的结果完全一致" in text and dr.seed_hash in text
    assert "摊贩" not in text.split("rerun-ranking")[1]  # application numbers only, no names


def test_the_seed_stays_secret_until_the_draw(district, client):
    dr = draw(district)
    page = client.get(f"/vending-draws/{dr.pk}/").content.decode()
    assert dr.seed_hash in page and dr.seed not in page
    assert dr.seed not in str(list(AuditEvent.objects.values_list("after", flat=True)))


def test_a_vacancy_goes_to_the_head_of_the_waiting_list(district):
    dr = _drawn(district)
    waiting = [a for a in selectors.applications_of(dr) if a.outcome == Outcome.WAITING]
    holder = next(a for a in selectors.applications_of(dr) if a.pitch == 2)
    before = AuditEvent.objects.count()
    services.draw_transition(actor=district.users[R.ADMIN], draw=dr, action="vacate", pitch=2)
    head = type(waiting[0]).objects.get(pk=waiting[0].pk)
    assert head.pitch == 2 and head.outcome == Outcome.PITCH
    holder.refresh_from_db()
    assert holder.outcome == Outcome.VACATED
    assert AuditEvent.objects.count() == before + 1


def test_one_application_per_person_per_term(district):
    d = district
    dr = draw(d)
    other = draw(d, spot(d, code="BM-02"))
    v = vendor(d)
    services.draw_apply(actor=d.users[R.HANDLER], draw=dr, vendor=v)
    import pytest

    from chengguan.core.errors import Conflict

    with pytest.raises(Conflict) as e:
        services.draw_apply(actor=d.users[R.HANDLER], draw=other, vendor=v)
    assert e.value.code == "welfare_draw.already_applied"

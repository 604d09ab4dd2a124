"""A small bureau tree used by the org tests, built directly with the shared factories."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from chengguan.org.models import Organisation
from tests import factories


@dataclass
class Tree:
    bureau: Organisation
    squad: Organisation
    sub_squad: Organisation
    subdistrict: Organisation
    community: Organisation
    other_bureau: Organisation
    other_squad: Organisation


@pytest.fixture
def tree(db) -> Tree:
    bureau = factories.bureau()
    squad = factories.squad(bureau, name="第一执法中队")
    sub_squad = factories.squad(squad, name="第一执法中队一分队")
    subdistrict = factories.subdistrict(bureau, code="001", name="林山寨街道")
    community = factories.community(subdistrict, code="001", name="工人新村社区")
    other_bureau = factories.bureau(name="金水区城市管理局", code="410105")
    other_squad = factories.squad(other_bureau, name="金水区第一中队")
    return Tree(bureau, squad, sub_squad, subdistrict, community, other_bureau, other_squad)


@pytest.fixture
def admin_profile(tree):
    return factories.staff(tree.bureau, "admin", username="admin", full_name="管理员")


@pytest.fixture
def admin_user(admin_profile):
    return admin_profile.user

"""国土 (natural resources) and 规划 (planning) are two partner types: the data migration files a
partner named for 国土 or 自然资源 under the new type and leaves a planning office where it was."""

from __future__ import annotations

import importlib

from django.apps import apps

from chengguan.org.models import Organisation, OrgKind, PartnerType
from tests import factories

split = importlib.import_module("chengguan.org.migrations.0010_split_natural_resources_data")


def test_the_old_joint_type_is_split_by_name(db):
    bureau = factories.bureau()
    names = ("郑州市自然资源和规划局中原分局", "中原区国土资源所", "中原区城乡规划服务中心")
    for name in names:
        factories.OrganisationFactory(kind=OrgKind.PARTNER, partner_type="planning", parent=bureau, name=name)
    split.split(apps, None)
    types = dict(Organisation.objects.filter(name__in=names).values_list("name", "partner_type"))
    assert types == {
        names[0]: PartnerType.NATURAL_RESOURCES,
        names[1]: PartnerType.NATURAL_RESOURCES,
        names[2]: PartnerType.PLANNING,
    }
    split.join(apps, None)
    assert set(Organisation.objects.filter(name__in=names).values_list("partner_type", flat=True)) == {
        "planning"
    }

"""Fixtures for the taxonomy tests: the loaded classification and a small district to route in."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from chengguan.grids.models import Grid
from chengguan.org.models import Organisation, OrgKind
from chengguan.org.system import system_actor
from chengguan.taxonomy.loader import DEFAULT_PATH, DEFAULT_TIME_LIMITS_PATH, load_taxonomy_report
from tests import factories


def plain_minor_codes(path: Path = DEFAULT_PATH) -> set[str]:
    """Category codes the loader should create, computed from the YAML without the loader's code."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    codes = set()
    for prefix, section in (("10", "component_minors"), ("20", "event_minors")):
        for entries in data[section].values():
            for entry in entries:
                if re.fullmatch(r"\d{4}", str(entry["code"])) and entry["zh"] != "未确认":
                    codes.add(prefix + str(entry["code"]))
    return codes


@pytest.fixture
def loaded(db):
    """The bundled classification, loaded once through the loader."""
    return load_taxonomy_report(actor=system_actor())


@pytest.fixture
def data_copies(tmp_path):
    """Editable copies of both YAML files."""
    taxonomy = tmp_path / "taxonomy.yaml"
    limits = tmp_path / "time_limits.yaml"
    taxonomy.write_text(DEFAULT_PATH.read_text(encoding="utf-8"), encoding="utf-8")
    limits.write_text(DEFAULT_TIME_LIMITS_PATH.read_text(encoding="utf-8"), encoding="utf-8")
    return taxonomy, limits


@dataclass
class District:
    bureau: Organisation
    street_a: Organisation
    street_b: Organisation
    community_a1: Organisation
    community_a2: Organisation
    community_b1: Organisation
    squad_east: Organisation
    squad_west: Organisation
    department: Organisation
    grid_a1: Grid
    grid_a1_other: Grid
    grid_a2: Grid
    grid_b1: Grid


@pytest.fixture
def district(db) -> District:
    """Two streets, three communities, two squads; one grid without a squad (grid_a1_other)."""
    bureau = factories.bureau()
    street_a = factories.subdistrict(bureau, code="001", name="甲街道")
    street_b = factories.subdistrict(bureau, code="002", name="乙街道")
    community_a1 = factories.community(street_a, code="001", name="甲一社区")
    community_a2 = factories.community(street_a, code="002", name="甲二社区")
    community_b1 = factories.community(street_b, code="001", name="乙一社区")
    squad_east = factories.squad(bureau, name="东区中队")
    squad_west = factories.squad(bureau, name="西区中队")
    department = factories.OrganisationFactory(kind=OrgKind.DEPARTMENT, parent=bureau, name="市政科")
    lon, lat = 113.62, 34.75
    return District(
        bureau=bureau,
        street_a=street_a,
        street_b=street_b,
        community_a1=community_a1,
        community_a2=community_a2,
        community_b1=community_b1,
        squad_east=squad_east,
        squad_west=squad_west,
        department=department,
        grid_a1=factories.grid(community_a1, 1, factories.square(lon, lat), squad_east),
        grid_a1_other=factories.grid(community_a1, 2, factories.square(lon + factories.CELL_DLON, lat)),
        grid_a2=factories.grid(community_a2, 1, factories.square(lon, lat + factories.CELL_DLAT), squad_east),
        grid_b1=factories.grid(
            community_b1, 1, factories.square(lon + 3 * factories.CELL_DLON, lat), squad_west
        ),
    )

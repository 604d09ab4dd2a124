"""A small district laid out as a lattice of 100 m grids, built through the grid services."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from chengguan.grids.codes import make_grid_code
from chengguan.grids.models import Grid
from chengguan.grids.services import grid_create
from chengguan.org.models import Organisation
from chengguan.org.system import system_actor
from tests import factories

COLS, ROWS = 6, 4
LON0, LAT0 = 113.62, 34.75


@dataclass
class Lattice:
    bureau: Organisation
    subdistricts: list[Organisation]
    communities: list[Organisation]
    squad: Organisation
    xs: list[float]
    ys: list[float]
    # (col, row) -> grid
    cells: dict[tuple[int, int], Grid] = field(default_factory=dict)

    @property
    def grids(self) -> list[Grid]:
        return list(self.cells.values())

    def community_of_col(self, col: int) -> Organisation:
        return self.communities[col // 2]


def cell_geometry(xs: list[float], ys: list[float], col: int, row: int) -> dict:
    x0, x1, y0, y1 = xs[col], xs[col + 1], ys[row], ys[row + 1]
    return {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}


@pytest.fixture
def district(db) -> Lattice:
    """Two sub-districts, three communities (two columns of cells each), one squad.

    Sequence numbers run against the geometry (top-right first) so "smallest code" on a border is
    not simply "the cell to the south-west".
    """
    bureau = factories.bureau()
    sub_a = factories.subdistrict(bureau, code="001", name="建设路街道")
    sub_b = factories.subdistrict(bureau, code="002", name="桐柏路街道")
    communities = [
        factories.community(sub_a, code="001", name="棉纺社区"),
        factories.community(sub_a, code="002", name="建新社区"),
        factories.community(sub_b, code="001", name="汝河社区"),
    ]
    squad = factories.squad(bureau, name="建设路中队")
    xs = [LON0 + i * factories.CELL_DLON for i in range(COLS + 1)]
    ys = [LAT0 + j * factories.CELL_DLAT for j in range(ROWS + 1)]
    lattice = Lattice(bureau, [sub_a, sub_b], communities, squad, xs, ys)
    seq_by_community: dict[int, int] = {}
    for row in reversed(range(ROWS)):
        for col in reversed(range(COLS)):
            comm = lattice.community_of_col(col)
            seq_by_community[comm.pk] = seq_by_community.get(comm.pk, 0) + 1
            lattice.cells[(col, row)] = grid_create(
                actor=system_actor(),
                code=make_grid_code(comm, seq_by_community[comm.pk]),
                community=comm,
                geometry=cell_geometry(xs, ys, col, row),
                squad=squad if col < 4 else None,
                name=f"网格 {col}-{row}",
            )
    return lattice

"""Locate 1,000,000 random points on ≥ 20,000 unit grids; compare with a brute-force scan.

Run: `.venv/bin/python benchmarks/grid_locate.py` (or `make bench`). It works in a throwaway SQLite
data directory, builds the `city` demo grids there (or, with `--source lattice` or when the demo
generator is missing, its own lattice of 100 m cells over six sub-districts), then

1. builds the STRtree index through `get_index()` and times it;
2. locates N random points (about a tenth fall outside the grids) with `locate_many` and prints
   points per second;
3. times a brute-force point-in-polygon scan (every point tested against every grid) on a sample,
   prints the speed-up, and checks that both give the same grid for every sample point.

Exit status: 0 on success, 1 if the answers disagree, 2 if locating took longer than the target.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

SRC = Path(__file__).resolve().parent.parent / "src"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--points", type=int, default=1_000_000, help="points to locate (default 1,000,000)")
    parser.add_argument("--sample", type=int, default=2_000, help="points for the brute-force scan")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--source",
        choices=["auto", "demo", "lattice"],
        default="auto",
        help="grids from the `city` demo generator, or this script's lattice (auto: demo if available)",
    )
    parser.add_argument("--data-dir", help="keep (and reuse) the database here instead of a temp dir")
    parser.add_argument("--target-seconds", type=float, default=5.0, help="fail (exit 2) above this time")
    return parser.parse_args()


def setup_django(data_dir: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "chengguan.settings"
    os.environ["CHENGGUAN_DATA_DIR"] = str(data_dir)
    os.environ.pop("DATABASE_URL", None)  # always the throwaway SQLite, never a real database
    if str(SRC) not in sys.path:
        sys.path.insert(0, str(SRC))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def build_lattice(cols: int = 160, rows: int = 130) -> None:
    """cols × rows cells of 100 m near 34.75 N 113.62 E: six sub-district stripes, communities of
    8 × 10 cells. Rows are written in bulk (the services would audit each of 20,800 grids)."""
    from django.db import transaction
    from django.db.models import F

    from chengguan.grids.geometry import grid_fields_from_geometry, shape_from_geojson
    from chengguan.grids.models import Grid, GridSetVersion
    from chengguan.org.models import Organisation, OrgKind

    dlon, dlat = 100 / 91_440, 100 / 111_320
    xs = [113.55 + i * dlon for i in range(cols + 1)]
    ys = [34.70 + j * dlat for j in range(rows + 1)]

    def org(kind: str, name: str, code: str, parent: Organisation | None) -> Organisation:
        unit = Organisation.objects.create(kind=kind, name=name, code=code, parent=parent)
        unit.path = (parent.path if parent else "/") + f"{unit.pk}/"
        unit.bureau = parent.bureau if parent else unit
        unit.save(update_fields=["path", "bureau"])
        return unit

    with transaction.atomic():
        bureau = org(OrgKind.BUREAU, "基准测试城管局", "410102", None)
        col_blocks, row_blocks = cols // 8, rows // 10
        subs = [org(OrgKind.SUBDISTRICT, f"第{s + 1}街道", f"{s + 1:03d}", bureau) for s in range(6)]
        communities: dict[tuple[int, int], Organisation] = {}
        per_sub: dict[int, int] = {}
        for cb in range(col_blocks):
            s = cb * 6 // col_blocks
            for rb in range(row_blocks):
                per_sub[s] = per_sub.get(s, 0) + 1
                communities[(cb, rb)] = org(OrgKind.COMMUNITY, f"社区{cb}-{rb}", f"{per_sub[s]:03d}", subs[s])
        grids, seqs = [], {}
        for row in range(rows):
            for col in range(cols):
                comm = communities[(col // 8, row // 10)]
                seqs[comm.pk] = seqs.get(comm.pk, 0) + 1
                ring = [
                    [xs[col], ys[row]],
                    [xs[col + 1], ys[row]],
                    [xs[col + 1], ys[row + 1]],
                    [xs[col], ys[row + 1]],
                ]
                geometry = {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}
                grids.append(
                    Grid(
                        code=f"{bureau.code}{comm.parent.code}{comm.code}{seqs[comm.pk]:02d}",
                        subdistrict=comm.parent,
                        community=comm,
                        geometry=geometry,
                        **grid_fields_from_geometry(shape_from_geojson(geometry)),
                    )
                )
        Grid.objects.bulk_create(grids, batch_size=2000)
        if not GridSetVersion.objects.filter(pk=1).update(version=F("version") + 1):
            GridSetVersion.objects.create(pk=1, version=1)


def ensure_grids(source: str) -> str:
    from chengguan.grids.models import Grid

    if Grid.objects.count() >= 20_000:
        return "reused"
    if source in ("auto", "demo"):
        try:
            from chengguan.demo.generator import build_demo
        except ImportError:
            if source == "demo":
                raise
        else:
            print("building the `city` demo (seed 1) ...", flush=True)
            build_demo(seed=1, size="city", password="Chengguan@2026")
            return "city demo"
    print("building a 160 × 130 lattice of 100 m grids ...", flush=True)
    build_lattice()
    return "lattice"


def brute_force(geometries: np.ndarray, ids: np.ndarray, lons: np.ndarray, lats: np.ndarray) -> np.ndarray:
    """Test every point against every grid (boundary included); smallest code wins, as in the index."""
    import shapely

    answer = np.full(len(lons), -1, dtype=np.int64)
    for k, (lon, lat) in enumerate(zip(lons, lats, strict=True)):
        hits = np.flatnonzero(shapely.intersects_xy(geometries, lon, lat))
        if len(hits):
            answer[k] = ids[hits[0]]  # geometries are in code order
    return answer


def run(args: argparse.Namespace) -> int:
    from chengguan.grids.index import get_index, reset_cache

    started = time.perf_counter()
    source = ensure_grids(args.source)
    print(f"grids ready ({source}) in {time.perf_counter() - started:.1f} s")

    reset_cache()
    t0 = time.perf_counter()
    index = get_index()
    build_s = time.perf_counter() - t0
    print(f"index: {len(index):,} grids built in {build_s:.2f} s")

    bounds = np.array([g.bounds for g in index.geometries])
    min_lon, min_lat = bounds[:, 0].min(), bounds[:, 1].min()
    max_lon, max_lat = bounds[:, 2].max(), bounds[:, 3].max()
    pad_lon, pad_lat = (max_lon - min_lon) * 0.05, (max_lat - min_lat) * 0.05
    rng = np.random.default_rng(args.seed)
    lons = rng.uniform(min_lon - pad_lon, max_lon + pad_lon, args.points)
    lats = rng.uniform(min_lat - pad_lat, max_lat + pad_lat, args.points)

    t0, cpu0 = time.perf_counter(), time.process_time()
    located = index.locate_many(lons, lats)
    locate_s, cpu_s = time.perf_counter() - t0, time.process_time() - cpu0
    rate = args.points / locate_s
    outside = int((located == -1).sum())
    print(
        f"locate_many: {args.points:,} points in {locate_s:.2f} s = {rate:,.0f} points/s "
        f"({outside:,} outside every grid; {cpu_s:.2f} s CPU over all threads)"
    )
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    if load > (os.cpu_count() or 1):
        print(f"note: load average {load:.1f} on {os.cpu_count()} CPU(s); other work is slowing this run")

    sample = min(args.sample, args.points)
    t0 = time.perf_counter()
    expected = brute_force(index.geometries, index.ids, lons[:sample], lats[:sample])
    brute_s = time.perf_counter() - t0
    brute_rate = sample / brute_s
    print(f"brute force: {sample:,} points in {brute_s:.2f} s = {brute_rate:,.0f} points/s")
    print(f"speed-up of the index over brute force: {rate / brute_rate:,.0f}×")

    disagree = int((located[:sample] != expected).sum())
    if disagree:
        print(f"FAIL: {disagree} of {sample} sample points got a different grid", flush=True)
        return 1
    print(f"agreement: all {sample:,} sample points match the brute-force answer")
    if locate_s > args.target_seconds:
        print(f"FAIL: locating took {locate_s:.2f} s, target {args.target_seconds:.1f} s", flush=True)
        return 2
    print(f"OK: under the {args.target_seconds:.1f} s target on {os.cpu_count()} CPU(s)")
    return 0


def main() -> int:
    args = parse_args()
    keep = args.data_dir is not None
    data_dir = Path(args.data_dir) if keep else Path(tempfile.mkdtemp(prefix="chengguan-bench-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    try:
        setup_django(data_dir)
        return run(args)
    finally:
        if not keep:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

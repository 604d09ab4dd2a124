"""`chengguan locate LON LAT [--crs wgs84|gcj02|bd09]`: which unit grid holds a point."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from chengguan.core.coords import CRS_CHOICES
from chengguan.core.errors import ValidationFailed
from chengguan.grids.selectors import locate_point, locate_wgs84


class Command(BaseCommand):
    help = (
        "打印某点所在单元网格的编码及其社区、街道；不在辖区内时退出码为 1 / "
        "Print the unit grid containing a point; exit 1 when it is outside the jurisdiction."
    )

    def add_arguments(self, parser):
        parser.add_argument("lon", type=float, help="longitude (经度)")
        parser.add_argument("lat", type=float, help="latitude (纬度)")
        parser.add_argument(
            "--crs",
            choices=CRS_CHOICES,
            default="wgs84",
            help="coordinate system of LON LAT: wgs84 (GPS), gcj02 (Amap/Tencent/WeChat), bd09 (Baidu)",
        )

    def handle(self, *args, lon: float, lat: float, crs: str, **options):
        try:
            wlon, wlat = locate_wgs84(lon, lat, crs)
            grid = locate_point(lon, lat, crs)
        except ValidationFailed as exc:
            raise CommandError(f"{exc.message} / {exc.code}") from exc
        if grid is None:
            self.stderr.write(
                f"该点（WGS-84 {wlon:.6f}, {wlat:.6f}）不在本辖区任何单元网格内。\n"
                f"The point (WGS-84 {wlon:.6f}, {wlat:.6f}) is outside the jurisdiction: "
                "no unit grid contains it."
            )
            raise SystemExit(1)
        self.stdout.write(grid.code)
        self.stdout.write(f"社区 Community: {grid.community.name} ({grid.community.code})")
        self.stdout.write(f"街道 Sub-district: {grid.subdistrict.name} ({grid.subdistrict.code})")
        if grid.squad is not None:
            self.stdout.write(f"中队 Squad: {grid.squad.name}")
        if crs != "wgs84":
            self.stdout.write(f"WGS-84: {wlon:.6f}, {wlat:.6f}")

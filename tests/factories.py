"""factory_boy factories for the foundation models. Build small, valid objects with one call."""

from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from shapely.geometry import box, mapping

from chengguan.grids.models import Grid
from chengguan.org.models import Organisation, OrgKind, Role, StaffProfile
from chengguan.people.models import Certificate

DEMO_PASSWORD = "Chengguan@2026"

# One 100 m cell near Zhongyuan district (34.75 N, 113.62 E).
CELL_DLAT = 100 / 111_320
CELL_DLON = 100 / 91_440


def _path_for(org: Organisation) -> str:
    return (org.parent.path if org.parent else "/") + f"{org.pk}/"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = OrgKind.BUREAU
    name = factory.Sequence(lambda n: f"测试单位{n}")
    code = ""
    parent = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        org = super()._create(model_class, *args, **kwargs)
        org.path = _path_for(org)
        if org.bureau_id is None and org.kind != OrgKind.CITY:
            org.bureau = org if org.kind == OrgKind.BUREAU or org.parent is None else org.parent.bureau
        org.save(update_fields=["path", "bureau"])
        return org


def bureau(**kwargs) -> Organisation:
    kwargs.setdefault("name", "中原区城市管理局")
    kwargs.setdefault("code", "410102")
    return OrganisationFactory(kind=OrgKind.BUREAU, **kwargs)


def city_above(*bureaus: Organisation, name: str = "郑州市城市管理局") -> Organisation:
    """A city-level bureau made the parent of `bureaus`, their subtrees' paths moved below it."""
    city = OrganisationFactory(kind=OrgKind.CITY, name=name)
    for b in bureaus:
        old, new = b.path, city.path + f"{b.pk}/"
        Organisation.objects.filter(pk=b.pk).update(parent=city)
        Organisation.objects.filter(path__startswith=old).update(
            path=Concat(Value(new), Substr("path", len(old) + 1))
        )
        b.refresh_from_db()
    return city


def bureau_with_a_grid(name: str, code: str, lon: float, lat: float) -> Organisation:
    """Another bureau with one sub-district, community and 100 m grid whose corner is (lon, lat)."""
    other = bureau(name=name, code=code)
    comm = community(subdistrict(other, code="001"), code="001")
    grid(comm, 1, square(lon, lat))
    return other


def subdistrict(parent: Organisation, code: str = "001", **kwargs) -> Organisation:
    return OrganisationFactory(kind=OrgKind.SUBDISTRICT, parent=parent, code=code, **kwargs)


def community(parent: Organisation, code: str = "001", **kwargs) -> Organisation:
    return OrganisationFactory(kind=OrgKind.COMMUNITY, parent=parent, code=code, **kwargs)


def squad(parent: Organisation, **kwargs) -> Organisation:
    return OrganisationFactory(kind=OrgKind.SQUAD, parent=parent, **kwargs)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", DEMO_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


CERTIFIED_FROM = dt.date(2000, 1, 1)
CERTIFIED_TO = dt.date(2099, 12, 31)


def staff(
    organisation: Organisation, *roles: str, username: str | None = None, certified: bool = True, **kwargs
) -> StaffProfile:
    """A user with a staff profile in `organisation` holding `roles`, and (unless `certified=False`)
    an enforcement certificate in force for the whole century, so that every step an officer takes
    part in is allowed (行政处罚法 第四十二条); tests of the rule end or replace it."""
    user = UserFactory(username=username) if username else UserFactory()
    profile = StaffProfile.objects.create(
        user=user,
        organisation=organisation,
        full_name=kwargs.pop("full_name", f"员工{user.pk}"),
        phone=kwargs.pop("phone", f"138{user.pk:08d}"[:11]),
        **kwargs,
    )
    profile.roles.set(Role.objects.filter(code__in=roles))
    if certified:
        certificate(user, organisation)
    return profile


def certificate(user, organisation: Organisation, **kwargs) -> Certificate:
    """An enforcement certificate of `user` (valid 2000–2099 unless told otherwise)."""
    return Certificate.objects.create(
        bureau=organisation.bureau or organisation,
        holder=user,
        number=kwargs.pop("number", f"T{user.pk:09d}"),
        valid_from=kwargs.pop("valid_from", CERTIFIED_FROM),
        valid_to=kwargs.pop("valid_to", CERTIFIED_TO),
        issuing_authority=kwargs.pop("issuing_authority", "郑州市人民政府"),
        **kwargs,
    )


def square(lon0: float, lat0: float, cols: int = 1, rows: int = 1) -> dict:
    """A GeoJSON rectangle `cols`×`rows` cells of 100 m with its south-west corner at (lon0, lat0)."""
    return mapping(box(lon0, lat0, lon0 + cols * CELL_DLON, lat0 + rows * CELL_DLAT))


def grid(
    community_org: Organisation, seq: int, geometry: dict, squad_org: Organisation | None = None
) -> Grid:
    """A grid row built directly (tests of the grid services build them through the service)."""
    from shapely.geometry import shape

    geom = shape(geometry)
    minx, miny, maxx, maxy = geom.bounds
    sub = community_org.parent
    bureau_org = community_org.bureau
    code = f"{bureau_org.code}{sub.code}{community_org.code}{seq:02d}"
    return Grid.objects.create(
        code=code,
        subdistrict=sub,
        community=community_org,
        squad=squad_org,
        geometry=geometry,
        area_m2=10_000.0,
        min_lon=minx,
        min_lat=miny,
        max_lon=maxx,
        max_lat=maxy,
        centroid_lon=geom.centroid.x,
        centroid_lat=geom.centroid.y,
    )

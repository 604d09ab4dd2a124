"""Schemathesis against the published OpenAPI document, through the WSGI application (no server).

Every operation of `/api/v1/schema/` is called with generated requests, as an admin and as a citizen,
and every check of schemathesis runs on each answer: no server error, the status, content type,
headers and body as documented, bad input refused, good input accepted. The run is bounded and
derandomized so CI finds the same examples every time (`make fuzz`; README, "API and testing").

The one tolerance: `positive_data_acceptance` also accepts 400. The schema says what a well-formed
request looks like (types, enums, lengths); our validation is stricter where the schema cannot say it
(a category code that exists, a point inside the district, a state the case is in), and answers those
with a field-level 400 of the one error shape — which `response_schema_conformance` still checks.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token

from chengguan.org.roles import RoleCode
from tests.api.conftest import District
from tests.factories import staff

# Examples per operation and role; 113 operations × 2 roles × 12 ≈ 2,700 requests a database.
EXAMPLES = 12

CONFIG = schemathesis.Config.from_dict(
    {
        "checks": {
            "enabled": True,
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "3xx", "400", "401", "403", "404", "409"]
            },
        },
        "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
    }
)


@pytest.fixture
def _connection_kept(db):
    """The WSGI handler closes the database connection at the end of each request, as in production;
    the test's transaction lives on that connection, so it must stay open across the examples (the
    test client of Django does the same)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(params=["admin", "citizen"])
def token(request, district: District) -> str:
    """The caller: the district's admin, or a citizen of its first community."""
    if request.param == "admin":
        profile = district.admin
    else:
        profile = staff(district.com1, RoleCode.CITIZEN, username="citizen", phone="13900000009")
    return Token.objects.get_or_create(user=profile.user)[0].key


# Loaded at collection, through the app (one test per operation and role).
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application(), config=CONFIG)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api(case, token: str, _connection_kept):
    # identity: the WSGI transport hands back a compressed body undecoded (grid outlines are gzipped).
    case.call_and_validate(headers={"Authorization": f"Token {token}", "Accept-Encoding": "identity"})

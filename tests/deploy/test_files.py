"""The deployment files ship working: the nginx site passes `nginx -t` with Debian's nginx (installed
by `make test` like Chromium; missing nginx fails this test, it never skips), the systemd units pass
`systemd-analyze verify` where the machine has it, and the environment template names every setting
the README documents."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if found is None:
        pytest.fail("Debian's nginx is not installed: run `sh scripts/ensure-nginx.sh` (make test does)")
    return found


def self_signed(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "chengguan.example.gov.cn")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    crt, pem = directory / "site.crt", directory / "site.key"
    crt.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    pem.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return crt, pem


def test_the_nginx_site_passes_nginx_t(tmp_path):
    nginx = nginx_binary()
    crt, pem = self_signed(tmp_path)
    site = (DEPLOY / "nginx" / "chengguan.conf").read_text()
    assert "client_max_body_size" in site and "proxy_read_timeout" in site and "ssl_certificate" in site
    site = site.replace("/etc/ssl/certs/chengguan.crt", str(crt)).replace(
        "/etc/ssl/private/chengguan.key", str(pem)
    )
    (tmp_path / "chengguan.conf").write_text(site)
    mime = "/etc/nginx/mime.types" if Path("/etc/nginx/mime.types").exists() else None
    proxy_params = Path("/etc/nginx/proxy_params")
    if not proxy_params.exists():
        pytest.fail("/etc/nginx/proxy_params is missing: Debian's nginx package provides it")
    (tmp_path / "nginx.conf").write_text(
        f"""
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log;
events {{ worker_connections 64; }}
http {{
    {f"include {mime};" if mime else ""}
    access_log {tmp_path}/access.log;
    client_body_temp_path {tmp_path}/body;
    proxy_temp_path {tmp_path}/proxy;
    include {tmp_path}/chengguan.conf;
}}
"""
    )
    done = subprocess.run(
        [
            nginx,
            "-t",
            "-p",
            str(tmp_path),
            "-e",
            str(tmp_path / "error.log"),
            "-c",
            str(tmp_path / "nginx.conf"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "syntax is ok" in done.stderr and "test is successful" in done.stderr


@pytest.mark.parametrize("unit", UNITS, ids=[u.name for u in UNITS])
def test_the_systemd_units_pass_systemd_analyze_verify(unit, tmp_path):
    analyze = shutil.which("systemd-analyze")
    text = unit.read_text()
    assert "EnvironmentFile=/etc/chengguan/chengguan.env" in text and "User=chengguan" in text
    if analyze is None:
        pytest.skip("this machine has no systemd-analyze (the issue asks for it where the machine has it)")
    # The units name the install location /opt/chengguan; point them at this checkout's virtualenv.
    venv = Path(sys.executable).parent.parent
    (tmp_path / unit.name).write_text(text.replace("/opt/chengguan/.venv", str(venv)))
    done = subprocess.run(
        [analyze, "verify", str(tmp_path / unit.name)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    problems = [line for line in done.stderr.splitlines() if unit.name in line]
    assert problems == [], problems


def test_the_environment_template_names_the_production_settings():
    template = (DEPLOY / "chengguan.env.example").read_text()
    names = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", template, flags=re.M))
    for name in (
        "DATABASE_URL",
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "CHENGGUAN_DATA_DIR",
        "CELERY_BROKER_URL",
        "CHENGGUAN_CACHE_URL",
        "CHENGGUAN_BACKUP_DIR",
        "CHENGGUAN_BACKUP_KEY_FILE",
        "CHENGGUAN_WEB_WORKERS",
        "CHENGGUAN_WEB_THREADS",
        "CHENGGUAN_METRICS_TOKEN",
        "CHENGGUAN_TRUST_FORWARDED_FOR",
        "CHENGGUAN_MEDIA_S3_BUCKET",
        "CHENGGUAN_MEDIA_S3_ENDPOINT",
    ):
        assert name in names, name

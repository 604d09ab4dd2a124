"""Letters: numbering, the PDF's text, bulk generation as a job, the public verification page."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import random
import re
import subprocess
import zipfile

import pytest
import zxingcpp
from django.urls import reverse

from chengguan.core import jobs
from chengguan.core.models import Job, JobStatus
from chengguan.merchants import letter_pdf, letter_text, qr, services
from chengguan.merchants.jobs import LETTERS_KIND
from chengguan.merchants.letter_pdf import LetterData
from chengguan.merchants.letters import generate_letters
from chengguan.merchants.models import Letter, LetterStatus, Merchant
from chengguan.merchants.pdf_concat import PdfConcatenator
from chengguan.org.system import system_actor
from tests import factories
from tests.merchants.conftest import merchant_fields


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "x.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


@pytest.fixture
def shops(district) -> list[Merchant]:
    rng = random.Random(5)
    return [
        services.merchant_create(actor=system_actor(), **merchant_fields(rng, district, i % 8))
        for i in range(6)
    ]


def test_numbers_are_gapless_per_year_in_the_bureau_style(shops):
    n = services.letters_prepare(actor=system_actor(), merchants=shops[:4], year=2026)
    assert n == 4
    numbers = list(Letter.objects.filter(year=2026).order_by("seq").values_list("number", flat=True))
    assert numbers == [f"中原城管三包字〔2026〕第{k:05d}号" for k in range(1, 5)]
    services.letters_prepare(actor=system_actor(), merchants=shops, year=2026)  # only the two missing ones
    assert list(Letter.objects.filter(year=2026).order_by("seq").values_list("seq", flat=True)) == [
        1,
        2,
        3,
        4,
        5,
        6,
    ]
    services.letters_prepare(actor=system_actor(), merchants=shops[:1], year=2027)
    assert Letter.objects.get(year=2027).number == "中原城管三包字〔2027〕第00001号"


def test_the_pdf_text_names_the_merchant_code_number_and_obligations(shops, tmp_path):
    out = tmp_path / "all.pdf"
    result = generate_letters(actor=system_actor(), year=2026, out_path=out, base_url="http://testserver")
    assert result["letters"] == 6
    text = pdf_text(out.read_bytes(), tmp_path)
    assert text.count("城市管理责任书") == 6
    for m in shops:
        letter = m.letters.get(year=2026)
        assert m.name in text and m.credit_code in text and letter.number in text
    flat = text.replace(" ", "").replace("\n", "")
    for head, body in letter_text.OBLIGATIONS:
        assert head in flat and body[:20] in flat
    assert "自建筑物墙体" in flat and "路缘石" in flat
    assert set(Letter.objects.values_list("status", flat=True)) == {LetterStatus.ISSUED}


def test_generation_is_limited_to_the_chosen_grid_and_zip_holds_one_pdf_each(shops, district, tmp_path):
    grid = shops[0].grid
    out = tmp_path / "g.zip"
    generate_letters(actor=system_actor(), year=2026, out_path=out, fmt="zip", scope={"grid": grid.code})
    expected = Merchant.objects.filter(grid=grid).count()
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
        assert len(names) == expected
        first = zf.read(names[0])
    assert first.startswith(b"%PDF")
    assert Letter.objects.filter(year=2026).count() == expected


def test_a_community_scope_prints_only_that_communitys_letters(shops, district, tmp_path):
    """A community named "SSSCCC" within its sub-district; the other shops get no letter at all."""
    inside = {m.pk for m in shops if m.community_id == district.communities[1].pk}
    assert 0 < len(inside) < len(shops)
    out = tmp_path / "c.pdf"
    scope = {"subdistrict": "001", "community": "001002"}
    result = generate_letters(actor=system_actor(), year=2026, out_path=out, scope=scope, base_url="http://t")
    assert result["letters"] == len(inside)
    assert set(Letter.objects.filter(year=2026).values_list("merchant_id", flat=True)) == inside
    text = pdf_text(out.read_bytes(), tmp_path)
    for m in shops:
        assert (m.credit_code in text) == (m.pk in inside)


def test_the_qr_code_encodes_the_verification_page_which_confirms_the_letter(shops, client):
    from reportlab.graphics.barcode import qrencoder as qe

    from chengguan.merchants.letter_pdf import LetterWriter

    letter = services.letter_prepare(actor=system_actor(), merchant=shops[0], year=2026)
    url = LetterWriter(canvas=None, base_url="http://testserver").verify_url(letter.token)
    assert url == "http://testserver" + reverse("letters-public:verify", args=[letter.token])
    reference = qe.QRCode(qr.version_for(len(url)), qe.QRErrorCorrectLevel.M)
    reference.dataList.append(qe.QR8bitByte(url))
    reference.makeImpl(False, qr.MASK)
    assert qr.qr_matrix(url).tolist() == reference.modules
    page = client.get(url.removeprefix("http://testserver"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "真实有效" in body and letter.number in body and shops[0].name in body


def test_the_printed_qr_code_scans_as_the_verification_url(shops, tmp_path):
    """The page as a printer gets it (poppler at 150 dpi): a reader finds one code, the URL printed
    under it, which is that letter's verification page."""
    from PIL import Image

    out = tmp_path / "letters.pdf"
    generate_letters(actor=system_actor(), year=2026, out_path=out, base_url="https://cg.example.gov.cn")
    page = ["-f", "2", "-l", "2", str(out)]
    subprocess.run(["pdftoppm", "-r", "150", "-png", *page, tmp_path / "p"], check=True)
    (png,) = tmp_path.glob("p-*.png")
    found = [r.text for r in zxingcpp.read_barcodes(Image.open(png), try_invert=False)]
    text = subprocess.run(["pdftotext", *page, "-"], capture_output=True, check=True, text=True).stdout
    printed = re.search(r"https://cg\.example\.gov\.cn/letters/verify/([\w-]+)/", text)
    assert found == [printed.group(0)]
    letter = Letter.objects.get(token=printed.group(1))
    assert letter.number in text and letter.merchant.name in text


def test_a_made_up_token_says_not_found(client, db):
    page = client.get(reverse("letters-public:verify", args=["madeUpToken1"]))
    assert page.status_code == 404
    assert "未找到" in page.content.decode()


def test_letters_job_runs_with_progress_and_stores_the_pdf(shops, district):
    admin = district.users["admin"]
    job = jobs.job_start(actor=admin, kind=LETTERS_KIND, params={"year": 2026, "format": "pdf"}, run=False)
    assert job.status == JobStatus.QUEUED
    job = jobs.run_job(job.pk)
    assert job.status == JobStatus.DONE, job.error
    assert (job.done, job.total) == (6, 6) and job.percent == 100
    assert job.result["letters"] == 6
    with job.result_file.open("rb") as fh:
        assert fh.read(4) == b"%PDF"


def test_a_failed_job_keeps_its_cursor_and_can_be_resumed(district, shops):
    job = jobs.job_start(actor=system_actor(), kind=LETTERS_KIND, params={"year": "not-a-year"}, run=False)
    job = jobs.run_job(job.pk)
    assert job.status == JobStatus.FAILED and "ValueError" in job.error
    Job.objects.filter(pk=job.pk).update(params={"year": 2026})
    job.refresh_from_db()
    jobs.job_resume(actor=system_actor(), job=job)
    job = jobs.run_job(job.pk)
    assert job.status == JobStatus.DONE


@pytest.mark.django_db(transaction=True)
def test_a_started_job_runs_in_the_background_not_in_the_request(district, shops):
    import time

    job = jobs.job_start(actor=system_actor(), kind=LETTERS_KIND, params={"year": 2026, "format": "zip"})
    for _ in range(600):
        job.refresh_from_db()
        if job.finished:
            break
        time.sleep(0.1)
    assert job.status == JobStatus.DONE, job.error
    with job.result_file.open("rb") as fh:
        assert len(zipfile.ZipFile(io.BytesIO(fh.read())).namelist()) == 6


def test_letters_drawn_in_chunks_merge_into_one_pdf_in_order(tmp_path):
    """The merged PDF is drawn a few pages at a time (flat memory): every page must still be there,
    in order, and poppler must read the file without complaint."""
    base = LetterData(
        number="",
        token="tok",
        year=2026,
        term_start=dt.date(2026, 1, 1),
        term_end=dt.date(2026, 12, 31),
        name="",
        credit_code="91410102MA44A8WX4B",
        operator_name="张三",
        address="郑州市中原区建设路1号",
        frontage_m="8.5",
        grid_code="41010200100101",
        community="百花社区",
        subdistrict="建设路街道",
        squad="第一中队",
        bureau="郑州市中原区城市管理局",
    )
    letters = [
        dataclasses.replace(
            base, number=f"中原城管三包字〔2026〕第{k:05d}号", name=f"第{k}号商店", token=f"t{k}"
        )
        for k in range(1, 8)
    ]
    out = tmp_path / "merged.pdf"
    assert letter_pdf.render(letters, str(out), "http://testserver", chunk_pages=3) == 7
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, check=True, text=True)
    assert info.stderr == "" and re.search(r"^Pages:\s+7$", info.stdout, re.M)
    assert re.search(r"^Title:\s+城市管理责任书$", info.stdout, re.M)
    for k in range(1, 8):
        page = subprocess.run(
            ["pdftotext", "-f", str(k), "-l", str(k), str(out), "-"],
            capture_output=True,
            check=True,
            text=True,
        )
        assert page.stderr == ""
        assert f"第{k}号商店" in page.stdout and f"第{k:05d}号" in page.stdout
        assert f"/letters/verify/t{k}/" in page.stdout


def test_an_empty_selection_still_gives_a_readable_pdf(tmp_path):
    out = tmp_path / "empty.pdf"
    assert letter_pdf.render([], str(out), "http://testserver") == 0
    assert "所选范围内没有责任书" in pdf_text(out.read_bytes(), tmp_path)


def test_the_merger_refuses_what_reportlab_did_not_write():
    merged = PdfConcatenator(io.BytesIO())
    with pytest.raises(ValueError):
        merged.append(b"%PDF-1.5\n1 0 obj\n<< /Type /XRef >>\nstream\nxx\nendstream\nendobj\n")


@pytest.mark.parametrize(
    ("name", "short_name"),
    [("中原区城市管理局", "中原城管局"), ("中原区城市管理局", "中原城管"), ("中原区城市管理局", "")],
)
def test_the_prefix_says_城管_once_whatever_the_short_name(db, name, short_name):
    bureau = factories.bureau(name=name, short_name=short_name)
    assert services.letter_prefix(bureau) == "中原城管三包字"


def test_without_a_configured_address_the_qr_codes_point_where_the_request_came_in(
    shops, district, client, settings, tmp_path
):
    """A demo served on another port prints codes that open there (issue 19 item 15)."""
    settings.PUBLIC_BASE_URL = ""
    settings.ALLOWED_HOSTS = ["*"]
    client.force_login(district.users["admin"])
    page = client.post(
        reverse("merchants:letters"),
        {"year": 2026, "scope": "all", "code": "", "format": "pdf"},
        HTTP_HOST="demo.example:8765",
    )
    assert page.status_code == 302
    job = Job.objects.get(kind=LETTERS_KIND)
    assert job.params["base_url"] == "http://demo.example:8765"
    job = jobs.run_job(job.pk)
    assert job.status == JobStatus.DONE, job.error
    with job.result_file.open("rb") as fh:
        text = pdf_text(fh.read(), tmp_path)
    assert "http://demo.example:8765/letters/verify/" in text
    assert "127.0.0.1:8000" not in text


def test_make_demo_gives_its_port_to_the_public_address():
    """`make demo PORT=8123` serves on 8123 and prints QR codes for 8123."""
    dry = subprocess.run(
        ["make", "-n", "demo", "PORT=8123"], capture_output=True, text=True, check=True
    ).stdout
    (serve,) = [line for line in dry.splitlines() if "chengguan serve" in line]
    assert "CHENGGUAN_PUBLIC_URL=${CHENGGUAN_PUBLIC_URL:-http://127.0.0.1:8123}" in serve
    assert "--bind 127.0.0.1:8123" in serve

"""志愿服务时长证明 as an A4 PDF: who served, how many hours at how many activities, the issuing
bureau and date, and a QR code of the verification link (anyone scanning it sees the certificate as
the bureau keeps it, so a printed copy cannot be inflated)."""

from __future__ import annotations

import io

from django.conf import settings
from django.urls import reverse
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from chengguan.core import clock
from chengguan.core.pdf import RED, cn_date, font_name, wrap
from chengguan.outreach.models import ServiceCertificate

QR_SIZE = 110.0


def verify_url(cert: ServiceCertificate) -> str:
    base = getattr(settings, "PUBLIC_BASE_URL", "").rstrip("/")
    return base + reverse("outreach-public:verify", args=[cert.token])


def render(cert: ServiceCertificate) -> bytes:
    font = font_name()
    out = io.BytesIO()
    c = Canvas(out, pagesize=A4, pageCompression=1)
    width, height = A4
    bureau = cert.volunteer.bureau.name
    c.setTitle(f"志愿服务时长证明 {cert.number}")
    c.setAuthor(bureau)
    c.setStrokeColor(RED)
    c.setLineWidth(3)
    c.rect(40, 40, width - 80, height - 80)
    c.setFillColor(RED)
    c.setFont(font, 30)
    c.drawCentredString(width / 2, height - 140, "志愿服务时长证明")
    c.setFillColorRGB(0, 0, 0)
    c.setFont(font, 11)
    c.drawRightString(width - 80, height - 175, f"编号：{cert.number}")
    issued = cert.issued_at.astimezone(clock.SHANGHAI).date()
    body = (
        f"兹证明 {cert.volunteer.name} 同志作为{bureau}城管志愿者，截至{cn_date(issued)}，"
        f"累计参加志愿服务活动 {cert.activities} 次，累计服务时长 {cert.total_hours} 小时。"
        "特此证明。"
    )
    y = height - 240
    c.setFont(font, 16)
    for line in wrap(body, font, 16, width - 200, first_indent=32):
        c.drawString(100 + (32 if y == height - 240 else 0), y, line)
        y -= 32
    c.setFont(font, 16)
    c.drawRightString(width - 100, 250, bureau)
    c.drawRightString(width - 100, 222, cn_date(issued))
    url = verify_url(cert)
    widget = QrCodeWidget(url, barLevel="M")
    widget.barWidth = widget.barHeight = QR_SIZE
    drawing = Drawing(QR_SIZE, QR_SIZE)
    drawing.add(widget)
    renderPDF.draw(drawing, c, 90, 150)
    c.setFont(font, 9)
    c.drawString(90, 138, "扫码核验本证明")
    c.drawString(90, 124, url)
    c.showPage()
    c.save()
    return out.getvalue()

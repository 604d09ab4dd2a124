"""The sign-in QR code shown on the screen of a training session, as an SVG data URL.

The project's fast encoder (`merchants/qr.py`, built for 20,000 letters in one PDF) sits in an app
above this one, so the screen's single code is drawn with ReportLab's own QR widget (~0.1 s, once
per page view), which the project already depends on."""

from __future__ import annotations

import base64

from reportlab.graphics import renderSVG
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing


def svg_data_url(text: str, size: int = 240) -> str:
    widget = QrCodeWidget(text, barLevel="M")
    widget.barWidth = widget.barHeight = size
    drawing = Drawing(size, size)
    drawing.add(widget)
    svg = renderSVG.drawToString(drawing)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")

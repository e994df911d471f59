"""Ways to hand a self-report link to a patient: its address, a QR code and an e-mail draft."""

from __future__ import annotations

import io
from datetime import datetime
from urllib.parse import quote

import segno
from fastapi import Request
from markupsafe import Markup, escape

from regenspine.config import Settings

# Medium error correction: a phone still reads the code from a slightly smudged printout.
QR_ERROR_CORRECTION = "m"


def public_address(request: Request) -> str:
    """REGENSPINE_PUBLIC_BASE_URL when set, else the scheme, host, port and root path the
    request came in on, so a link works wherever the app is served."""
    settings: Settings = request.app.state.settings
    if settings.public_base_url:
        return settings.public_base_url
    return str(request.base_url).rstrip("/")


def qr_code(url: str) -> segno.QRCode:
    """The QR code of a link, as the page draws it."""
    return segno.make(url, error=QR_ERROR_CORRECTION, micro=False)


def qr_code_svg(url: str, label: str) -> Markup:
    """The link's QR code as inline SVG that scales, labelled for screen readers; colours are
    attributes, never `style`, which the Content-Security-Policy forbids."""
    buffer = io.BytesIO()
    qr_code(url).save(
        buffer,
        kind="svg",
        xmldecl=False,
        svgns=True,
        nl=False,
        omitsize=True,
        border=4,
        dark="#000",
        light="#fff",
        svgclass="qr-code",
        lineclass=None,
    )
    svg = buffer.getvalue().decode("ascii")
    labelled = f'<svg role="img" aria-label="{escape(label)}" ' + svg.removeprefix("<svg ")
    return Markup(labelled)  # noqa: S704 - segno's own output, and the label is escaped


def email_draft(timepoint: str, url: str, expires_at: datetime) -> str:
    """A mailto: address with a subject and a body holding the link, for the staff member's own
    mail program (the registry sends no e-mail from this page)."""
    subject = f"Your {timepoint} follow-up questionnaires"
    body = (
        "Hello,\n\n"
        f"Please answer your {timepoint} follow-up questionnaires on your phone or computer:\n\n"
        f"{url}\n\n"
        f"The link works once, until {expires_at:%d %B %Y %H:%M} UTC.\n\n"
        "Thank you."
    )
    return f"mailto:?subject={quote(subject, safe='')}&body={quote(body, safe='')}"

"""Security headers on every response, and the Content-Security-Policy they carry.

The policy allows scripts and styles only from this app's own files: no inline scripts, no
inline style attributes, no CDN. A page that must carry a `<style>` element (the printable
summary, which is one self-contained file) names its exact content by hash instead of relaxing
the policy with 'unsafe-inline'.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP_DIRECTIVES: dict[str, str] = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
    "base-uri": "'self'",
    "object-src": "'none'",
}
STATIC_PREFIX = "/static/"


def content_security_policy(style_hashes: Iterable[str] = ()) -> str:
    """The policy header value; `style_hashes` ('sha256-...') allow exactly those style blocks."""
    directives = dict(CSP_DIRECTIVES)
    extra = " ".join(style_hashes)
    if extra:
        directives["style-src"] = f"{directives['style-src']} {extra}"
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def style_hash(css: str) -> str:
    """The CSP source expression that allows one `<style>` element with exactly this text."""
    digest = hashlib.sha256(css.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


DEFAULT_POLICY = content_security_policy()
FIXED_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}


class SecurityHeadersMiddleware:
    """Adds the security headers to every HTTP response, error pages and static files included."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on and add the headers to the response as it starts."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))

        async def send_with_headers(message: Message) -> None:
            """Send the message, with the headers added when the response starts."""
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                # A route may set a stricter-but-specific policy (the summary's style hash).
                headers.setdefault("content-security-policy", DEFAULT_POLICY)
                for name, value in FIXED_HEADERS.items():
                    headers[name] = value
                if not path.startswith(STATIC_PREFIX):
                    # Answers about someone's health stay out of shared caches. Not "no-store":
                    # the browser must still be able to go back to a result without resending.
                    headers.setdefault("cache-control", "private, no-cache")
            await send(message)

        await self.app(scope, receive, send_with_headers)

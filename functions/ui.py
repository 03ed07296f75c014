"""The drift page: static HTML, CSS and JS for an admin without a portal; it calls the same API.

Anonymous at the platform like every route here: the page holds no data, and the API calls it makes
are where identity is enforced (in Azure, Easy Auth signs the admin in first).
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import azure.functions as func

bp = func.Blueprint()  # type: ignore[no-untyped-call]

STATIC_DIR: Final = Path(__file__).resolve().parent / "static"
# The only files served, with their types: any other name is a 404, so no path reaches the disk.
FILES: Final[dict[str, str]] = {"index.html": "text/html", "app.js": "text/javascript", "app.css": "text/css"}
# Everything the page loads comes from this origin; no inline script or style, no frames, no plugins.
CONTENT_SECURITY_POLICY: Final = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS: Final[dict[str, str]] = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


def static_response(name: str) -> func.HttpResponse:
    """One of the page's files, read now (an edit shows on reload), or a 404 for any other name."""
    mimetype = FILES.get(name)
    if mimetype is None:
        return func.HttpResponse("Not found", status_code=404, headers=SECURITY_HEADERS)
    body = (STATIC_DIR / name).read_bytes()
    return func.HttpResponse(body, mimetype=mimetype, charset="utf-8", headers=SECURITY_HEADERS)


@bp.route(route="ui", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
def drift_page(req: func.HttpRequest) -> func.HttpResponse:
    """The drift page (index.html)."""
    return static_response("index.html")


@bp.route(route="ui/{file}", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
def drift_page_asset(req: func.HttpRequest) -> func.HttpResponse:
    """The page's script and style sheet."""
    return static_response(req.route_params.get("file", ""))

"""``/docs`` (Swagger UI) and ``/redoc``: the API's description to read and try, offline.

FastAPI's own pages load their scripts from a CDN and start them with an inline script: they
fail without internet and under a content-security policy like the pages'. These load every
file from this server: Swagger UI's and ReDoc's builds as the ``fastapi-offline`` package
ships them (installed with Wijkgraaf), and a small start-up script of our own, so that the
policy allows scripts, styles and requests from this server only (images also as ``data:``
URLs, which Swagger UI's stylesheet draws its icons with; ReDoc also needs the styles it
writes into the page, :data:`REDOC_POLICY`).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from api.web.errors import not_found

#: Where the documentation's files are served.
ASSETS = "/docs/assets"

#: The files of ``fastapi-offline`` that the pages load (nothing else of it is served).
SHIPPED = {
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui.css": "text/css",
    "redoc.standalone.js": "text/javascript",
    "favicon.png": "image/png",
}

#: Starts Swagger UI on the description named by its element (no inline script needed).
SWAGGER_START = """\
"use strict";
window.addEventListener("DOMContentLoaded", function () {
  var element = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: element.dataset.openapi,
    dom_id: "#swagger-ui",
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
    layout: "BaseLayout",
    deepLinking: true,
    showExtensions: true,
    showCommonExtensions: true,
    validatorUrl: null
  });
});
"""

#: Swagger UI's policy: everything from this server, nothing from elsewhere.
POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; "
    "base-uri 'none'"
)
#: ReDoc's: the same, but its styles are written into the page as it draws (with no way to
#: give them a nonce), so inline styles are allowed, as on the pages. A style loads nothing
#: from elsewhere: images and fonts still come from this server only.
REDOC_POLICY = POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")

SWAGGER_PAGE = """\
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title} — API</title>
<link rel="stylesheet" href="{assets}/swagger-ui.css">
<link rel="icon" href="{assets}/favicon.png">
</head>
<body>
<div id="swagger-ui" data-openapi="{openapi}"></div>
<script src="{assets}/swagger-ui-bundle.js"></script>
<script src="{assets}/swagger-start.js"></script>
</body>
</html>
"""

REDOC_PAGE = """\
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title} — API</title>
<link rel="icon" href="{assets}/favicon.png">
</head>
<body>
<redoc spec-url="{openapi}" disable-search></redoc>
<script src="{assets}/redoc.standalone.js"></script>
</body>
</html>
"""


def shipped_folder() -> Path:
    """The folder of the documentation's files in the installed ``fastapi-offline``."""
    return Path(str(resources.files("fastapi_offline") / "static"))


def install_docs(app: FastAPI) -> None:
    """Serve ``/docs`` and ``/redoc`` with their files from this server (the app is made
    with FastAPI's own ``docs_url`` and ``redoc_url`` turned off)."""
    folder = shipped_folder()

    def page(template: str, request: Request, policy: str) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        html = template.format(
            title=app.title, assets=root + ASSETS, openapi=root + (app.openapi_url or "")
        )
        return HTMLResponse(html, headers={"Content-Security-Policy": policy})

    @app.get("/docs", include_in_schema=False)
    async def swagger(request: Request) -> HTMLResponse:
        return page(SWAGGER_PAGE, request, POLICY)

    @app.get("/redoc", include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        return page(REDOC_PAGE, request, REDOC_POLICY)

    @app.get(ASSETS + "/swagger-start.js", include_in_schema=False)
    async def swagger_start() -> Response:
        return Response(SWAGGER_START, media_type="text/javascript")

    @app.get(ASSETS + "/{name}", include_in_schema=False)
    async def asset(name: str) -> FileResponse:
        if name not in SHIPPED:
            raise not_found()
        return FileResponse(folder / name, media_type=SHIPPED[name])

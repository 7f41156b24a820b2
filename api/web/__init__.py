"""The HTTP API: JSON routes for integrations and scripts, described at ``/openapi.json``.

- :mod:`api.web.deps`: what a route works with (:class:`~api.web.deps.Services`), who calls
  (:class:`~api.web.deps.Caller`), role checks and audit recording, as ``Annotated`` aliases.
- :mod:`api.web.errors`: the one JSON error shape and the handlers that produce it.
- :mod:`api.web.guards`: request size limits and the per-key rate limit.
- :mod:`api.web.schemas`: response and request models per role.
- :mod:`api.web.routes`: one router module per resource.

The app that serves these routes and the pages together is built by :func:`api.app.create_app`.
"""

"""One router module per resource of the HTTP API; :func:`api.app.create_app` includes them."""

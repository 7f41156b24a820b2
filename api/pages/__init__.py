"""Pages for a browser, served by the same app as the HTTP API (:func:`api.app.create_app`).

- :mod:`api.pages.access`: signing in with an API key, the session, the roles each page serves
  and the Content-Security-Policy every page carries.
- :mod:`api.pages.views`: the index, maps, question tables, publishable figures and CSV
  downloads, and :func:`~api.pages.views.install_pages`, which serves them on an app.
"""

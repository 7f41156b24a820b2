"""Who may see what, shared by the HTTP API, the pages and the command line.

- :mod:`api.access.roles`: the four roles a key or a page session has.
- :mod:`api.access.api_keys`: the API keys file (hashed secrets, roles, a coach's areas).
- :mod:`api.access.sessions`: browsers signed in to the pages.
- :mod:`api.access.audit`: the hash-chained audit log, its events and its verification.
- :mod:`api.access.audit_writer`: appends from many requests committed to disk together.

Nothing here imports FastAPI: the command line uses the keys and the audit log too.
"""

"""What an operator sees of a running Rehearse: Prometheus metrics, readiness checks and JSON logs.

- metrics: every metric, named once (`rehearse_..._seconds`, `_total`), and the `/metrics` WSGI endpoint.
- health: liveness and readiness (database, migrations at head, platform connections).
- jsonlog: one JSON object per log line, with the `extra=` fields.
Nothing here imports an adapter or the practice engine: they report into it.
"""

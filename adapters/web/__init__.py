"""The report pages over HTTP: a WSGI app that renders the core's report pages with Jinja2."""

"""The full report on the web: what each page shows (view models) and who may open it (signed links).

Rendering lives in adapters/web; the figures come from the digests (bot/digests) and
the impact code (bot/impact), never computed a second time here.
"""

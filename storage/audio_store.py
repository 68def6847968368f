"""Voice clips on disk, addressed by a relative ref stored on the turn."""

from __future__ import annotations

import re
from pathlib import Path

_SAFE = re.compile(r"[^A-Za-z0-9._-]")


class AudioStore:
    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def save(self, session_id: str, seq: int, data: bytes, extension: str) -> str:
        ext = _SAFE.sub("", extension.lstrip(".")) or "bin"
        ref = f"{_SAFE.sub('_', session_id)}/{seq:04d}.{ext}"
        path = self.root / ref
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return ref

    def read(self, ref: str) -> bytes:
        return self._path(ref).read_bytes()

    def delete(self, ref: str) -> None:
        path = self._path(ref)
        path.unlink(missing_ok=True)
        try:
            path.parent.rmdir()
        except OSError:
            pass  # other clips of the session remain

    def _path(self, ref: str) -> Path:
        path = (self.root / ref).resolve()
        if self.root.resolve() not in path.parents:
            raise ValueError(f"audio ref escapes the store: {ref}")
        return path

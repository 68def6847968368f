"""Privacy use cases: a person's data export and erasure, and the retention purge."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from bot.ports import Clock
from bot.settings import Settings
from storage import Repositories
from storage.audio_store import AudioStore
from storage.repos.privacy import PrivacyRepo
from storage.repos.programmes import ProgrammeRepo

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PurgeResult:
    audio_files: int
    transcripts: int


class PrivacyService:
    def __init__(self, repos: Repositories, settings: Settings, clock: Clock) -> None:
        self.repo = PrivacyRepo(repos.db, AudioStore(Path(settings.data_dir) / "audio"))
        self.programmes = ProgrammeRepo(repos.db)  # impact programmes keep memberships and outcome figures
        self.settings = settings
        self.clock = clock

    def export(self, person_id: int) -> dict[str, Any]:
        return {**self.repo.export(person_id), **self.programmes.export_person(person_id)}

    def erase(self, person_id: int) -> dict[str, int]:
        counts = {**self.programmes.erase_person(person_id), **self.repo.erase(person_id, self.clock.now())}
        log.info("erased person %s: %s", person_id, counts)
        return counts

    def purge_expired(self) -> PurgeResult:
        """The retention job: audio after AUDIO_RETENTION_DAYS, transcripts after TRANSCRIPT_RETENTION_DAYS."""
        now = self.clock.now()
        audio = self.repo.purge_audio(now - timedelta(days=self.settings.audio_retention_days))
        transcripts = 0
        if self.settings.transcript_retention_days is not None:
            transcripts = self.repo.purge_transcripts(now - timedelta(days=self.settings.transcript_retention_days), now)
        if audio or transcripts:
            log.info("retention purge: %d audio clips, %d transcript turns", audio, transcripts)
        return PurgeResult(audio, transcripts)

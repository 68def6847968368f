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
from storage.repos.privacy import DigestScrub, PrivacyRepo
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
        """Erase a person from every table and every file written about them.

        Stored digests lose their row, and the charts and HTML reports drawn from those
        digests are deleted (a manager's Report button draws them again without the person)."""
        scrub = self.repo.scrub_digests(person_id)
        counts = {**self.programmes.erase_person(person_id), **self.repo.erase(person_id, self.clock.now())}
        counts["digests_rewritten"], counts["digests_deleted"] = scrub.rewritten, scrub.deleted
        counts["digest_files"] = self._delete_digest_files(scrub)
        log.info("erased person %s: %s", person_id, counts)
        return counts

    def _delete_digest_files(self, scrub: DigestScrub) -> int:
        """Charts and reports that showed the person: the records' own, the per-digest HTML reports,
        and the CLI previews of the managers whose teams they were in (named by manager id)."""
        data = Path(self.settings.data_dir)
        paths = {Path(p) for p in scrub.chart_paths}
        paths |= {data / "reports" / f"{digest_id}.html" for digest_id in scrub.digest_ids}
        for manager_id in scrub.manager_ids:
            paths |= set((data / "digests").glob(f"{manager_id}-*.png"))
            paths |= set((data / "reports").glob(f"preview-{manager_id}-*"))
        removed = 0
        for path in paths:
            try:
                path.unlink()
                removed += 1
            except FileNotFoundError:
                pass
        return removed

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

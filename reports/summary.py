"""A run's books: what it saw, loaded, skipped and quarantined, its checks, and the rows the terminal, the
Prefect artifact and etl_run show. The flow keeps them; the CLI and the artifacts read them."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class RunSummary:
    run_id: str
    db: str
    status: str = "running"
    files_seen: int = 0
    files_ignored: int = 0
    batches: int = 0
    documents_loaded: int = 0
    documents_skipped: int = 0
    skipped_already_loaded: int = 0
    skipped_unchanged: int = 0
    skipped_duplicate_in_run: int = 0
    files_quarantined: int = 0
    quarantine_reasons: dict[str, int] = field(default_factory=dict)
    source_files_new: int = 0
    bytes_read: int = 0
    stage_seconds: dict[str, float] = field(default_factory=dict)
    integrity_violations: int | None = None
    failed_checks: list[str] = field(default_factory=list)
    seconds: float = 0.0
    error: str | None = None

    def add_seconds(self, stage: str, seconds: float) -> None:
        self.stage_seconds[stage] = round(self.stage_seconds.get(stage, 0.0) + seconds, 3)

    def add_batch(self, outcome, result, load_seconds: float) -> None:
        """Count one loaded batch: what its worker did (outcome) and what the load inserted (result)."""
        for stage, seconds in [*outcome.seconds.items(), ("load", load_seconds)]:
            self.add_seconds(stage, seconds)
        self.bytes_read += outcome.bytes_read
        self.documents_loaded += result.documents_inserted
        self.skipped_already_loaded += outcome.known
        # new to this batch but inserted by another batch (or a concurrent run) first
        self.skipped_duplicate_in_run += outcome.duplicates_in_batch + outcome.new_documents - result.documents_inserted
        self.source_files_new += result.source_files_inserted
        for reason, n in outcome.quarantined.items():
            self.quarantine_reasons[reason] = self.quarantine_reasons.get(reason, 0) + n

    def close_books(self) -> None:
        self.files_quarantined = sum(self.quarantine_reasons.values())
        self.documents_skipped = self.skipped_already_loaded + self.skipped_duplicate_in_run + self.skipped_unchanged

    def add_checks(self, checks) -> None:
        self.integrity_violations = sum(c.violations for c in checks)
        self.failed_checks = [c.name for c in checks if not c.ok]

    def rows(self, wall_seconds: float | None = None) -> list[tuple[str, str]]:
        """The summary as (label, value) rows: what the terminal, the Prefect artifact and etl_run show."""
        checks = ("nothing loaded to check" if self.integrity_violations is None else "passed"
                  if not self.integrity_violations else
                  f"{self.integrity_violations} violations: {', '.join(self.failed_checks)}")
        rows = [("warehouse", self.db), ("status", self.status), ("files seen", self.files_seen),
                ("documents loaded", self.documents_loaded),
                ("skipped: unchanged since loaded (not read)", self.skipped_unchanged),
                ("skipped: same bytes already in warehouse", self.skipped_already_loaded),
                ("skipped: same bytes twice in this run", self.skipped_duplicate_in_run),
                ("quarantined", self.files_quarantined),
                *((f"  {reason}", n) for reason, n in sorted(self.quarantine_reasons.items())),
                ("ignored (other suffixes in folders)", self.files_ignored),
                ("integrity checks", checks)]
        if self.error:
            rows.append(("failed because" if self.status == "failed" else "stopped because", self.error))
        # one wall-clock figure: the command's when it is known (Prefect's start-up included), else the flow's
        rows.append(("wall seconds", f"{self.seconds if wall_seconds is None else wall_seconds:.1f}"))
        if self.stage_seconds:
            rows.append(("work seconds by stage (summed over parallel workers)",
                         ", ".join(f"{k} {v:.1f}" for k, v in self.stage_seconds.items())))
        return [(label, str(value)) for label, value in rows]

"""The dbt project in dbt/: build its marts into their own file, list them, read them.

dbt runs in a subprocess (its logging and global state stay out of ours) with the warehouse attached
read-only, writing into a fresh file that replaces the marts file only when the build passed: readers of
the marts never see a half-built file and never block a build."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb

DBT_DIR = Path(__file__).resolve().parent.parent / "dbt"


def marts_path(db: Path) -> Path:
    """$GAZETTE_MARTS_DB, else NAME_marts.duckdb beside the warehouse NAME.duckdb."""
    from flows.settings import Settings

    return Settings().marts_db or db.with_name(f"{db.stem}_marts.duckdb")


def mart_names() -> list[str]:
    return sorted(p.stem for p in (DBT_DIR / "models" / "marts").glob("*.sql"))


def dbt_executable() -> str | None:
    beside = Path(sys.executable).parent / "dbt"
    return str(beside) if beside.exists() else shutil.which("dbt")


@dataclass
class BuildResult:
    ok: bool
    marts: Path
    output: str
    command: list[str]
    log: Path | None = None  # dbt's own log of the build


def needs_build(db: Path, marts: Path) -> bool:
    """No marts yet, or the warehouse (or the dbt project) changed since they were built."""
    if not marts.exists():
        return True
    built = marts.stat().st_mtime
    sources = [db, *(p for p in DBT_DIR.rglob("*") if p.suffix in (".sql", ".yml") and "target" not in p.parts)]
    return any(p.exists() and p.stat().st_mtime > built for p in sources)


def build_marts(db: Path, marts: Path | None = None, *, command: str = "build",
                extra_args: list[str] | None = None, timeout: float = 1800) -> BuildResult:
    """Run `dbt build` (or another dbt command, e.g. "source freshness") against the warehouse db; on success the marts file is
    replaced by the one just built."""
    db = db.resolve()
    marts = (marts or marts_path(db)).resolve()
    exe = dbt_executable()
    if exe is None:
        return BuildResult(False, marts, "dbt is not installed: pip install -c constraints.txt -e '.[dbt]'", [])
    work = marts.parent / f".{marts.stem}-dbt"
    building = work / marts.name  # same file name: the database's name (and the views' references) hold
    work.mkdir(parents=True, exist_ok=True)
    # One build at a time per marts file: a second waits for the first (they share the building file, dbt's
    # target folder and its lock), then builds from the warehouse as it is then.
    with open(work / "build.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _build(db, marts, exe, work, building, command, extra_args, timeout)


def _build(db: Path, marts: Path, exe: str, work: Path, building: Path, command: str,
           extra_args: list[str] | None, timeout: float) -> BuildResult:
    for stale in (building, building.with_name(building.name + ".wal")):
        stale.unlink(missing_ok=True)
    writes = command in ("build", "run", "seed", "snapshot")
    env = {**os.environ, "GAZETTE_DB": str(db), "GAZETTE_MARTS_DB": str(building if writes else marts),
           "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "DBT_USE_COLORS": "false",
           "DBT_TARGET_PATH": str(work / "target"), "DBT_LOG_PATH": str(work / "logs")}
    args = [exe, *command.split(), "--project-dir", str(DBT_DIR), "--profiles-dir", str(DBT_DIR), *(extra_args or [])]
    proc = subprocess.run(args, env=env, cwd=DBT_DIR, capture_output=True, text=True, timeout=timeout)
    ok = proc.returncode == 0
    if ok and writes:
        building.replace(marts)
    return BuildResult(ok, marts, proc.stdout + proc.stderr, args, work / "logs" / "dbt.log")


def read_mart(marts: Path, name: str) -> tuple[duckdb.DuckDBPyConnection, duckdb.DuckDBPyRelation]:
    """An open read-only connection to the marts file and the mart's rows (close the connection after)."""
    con = duckdb.connect(str(marts), read_only=True)
    tables = {t for (t,) in con.execute("select table_name from duckdb_tables() where schema_name = 'main'").fetchall()}
    if name not in tables:
        con.close()
        raise KeyError(name)
    return con, con.table(name)


def mart_descriptions() -> dict[str, tuple[str, dict[str, str]]]:
    """mart -> (its description, {column: description}) from dbt/models/marts/schema.yml."""
    import yaml

    models = yaml.safe_load((DBT_DIR / "models" / "marts" / "schema.yml").read_text(encoding="utf-8"))["models"]
    return {m["name"]: (m.get("description", ""), {c["name"]: c.get("description", "") for c in m.get("columns", [])})
            for m in models}

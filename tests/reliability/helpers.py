"""Running `gazette` as a real process, the way cron or a user would."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

GAZETTE = str(Path(sys.executable).with_name("gazette"))


def gazette_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "GAZETTE_"))}
    env.update(
        PREFECT_HOME=str(tmp_path / "prefect-home"),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        DO_NOT_TRACK="1",
        PREFECT_LOGGING_LEVEL="WARNING",
    )
    env.update(extra)
    return env


@dataclass
class Finished:
    returncode: int
    output: str


class Gazette:
    """gazette in its own process group: a killed run's children (Prefect's temporary server) go with it."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self._log = tempfile.TemporaryFile(mode="w+")
        self.proc = subprocess.Popen([GAZETTE, *args], env=env, stdout=self._log, stderr=subprocess.STDOUT,
                                     text=True, start_new_session=True)

    def wait(self, timeout: float = 600) -> Finished:
        try:
            code = self.proc.wait(timeout=timeout)
        finally:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait()
        self._log.seek(0)
        output = self._log.read()
        self._log.close()
        return Finished(code, output)


def run_gazette(args: list[str], env: dict[str, str], timeout: float = 600) -> Finished:
    return Gazette(args, env).wait(timeout)

"""Servers under measurement as separate processes: start, wait for health, read /proc, stop."""

import asyncio
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
TICKS = os.sysconf("SC_CLK_TCK")
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    """A running server process and the time it took from spawn to its first /healthz 200."""

    process: subprocess.Popen[bytes]
    url: str
    started_in: float

    def cpu_seconds(self) -> float:
        """User plus system CPU time the process has used so far (from /proc/<pid>/stat)."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS

    def rss_mb(self) -> float:
        """Resident memory now (VmRSS of /proc/<pid>/status), in MB."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError("no VmRSS line")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


async def start_server(
    args: list[str], env: dict[str, str], port: int, folder: Path = ROOT
) -> Server:
    """Spawn `python <args>` in `folder` (this project) with only `env`; wait for /healthz."""
    base = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp")}
    log = tempfile.TemporaryFile()  # noqa: SIM115 (the server writes to it; closed below)
    started = time.perf_counter()
    process = subprocess.Popen(  # noqa: ASYNC220 (returns at once; nothing waits here)
        [sys.executable, *args],
        cwd=folder,
        env={**base, **env, "PORT": str(port)},
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    url = f"http://127.0.0.1:{port}"
    async with aiohttp.ClientSession() as session:
        while True:
            if process.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"{args} exited at start: {log.read().decode()[-2000:]}")
            try:
                async with session.get(f"{url}/healthz") as reply:
                    if reply.status == 200:
                        break
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.01)
    log.close()  # the server keeps writing to its own handle of the unlinked file
    return Server(process, url, time.perf_counter() - started)

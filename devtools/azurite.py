"""Start and stop Azurite (npm, pinned in package.json) on free loopback ports. Development only."""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

ROOT = Path(__file__).resolve().parent.parent
# The emulator's published, well-known development key (not a secret).
EMULATOR_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="


def free_port() -> int:
    """An ephemeral port that is free right now on 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for_port(port: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.settimeout(0.2)
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"Azurite did not open port {port} in time")


@dataclass
class Azurite:
    """A running Azurite process with its three ports."""

    blob_port: int
    queue_port: int
    table_port: int
    process: subprocess.Popen[bytes] | None = None
    workdir: str | None = None

    @property
    def connection_string(self) -> str:
        return (
            "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
            f"AccountKey={EMULATOR_KEY};"
            f"BlobEndpoint=http://127.0.0.1:{self.blob_port}/devstoreaccount1;"
            f"QueueEndpoint=http://127.0.0.1:{self.queue_port}/devstoreaccount1;"
            f"TableEndpoint=http://127.0.0.1:{self.table_port}/devstoreaccount1;"
        )

    @classmethod
    def start(
        cls, location: str | None = None, in_memory: bool = True, ports: tuple[int, int, int] | None = None
    ) -> Azurite:
        """Launch Azurite; raises with a clear message when it is not installed (run `make setup`)."""
        binary = ROOT / "node_modules" / ".bin" / "azurite"
        if not binary.exists():
            found = shutil.which("azurite")
            if not found:
                raise RuntimeError("Azurite is not installed: run `make setup` (npm ci) first")
            binary = Path(found)
        blob, queue, table = ports or (free_port(), free_port(), free_port())
        workdir = location or tempfile.mkdtemp(prefix="azurite-")
        args = [
            str(binary),
            "--silent",
            "--skipApiVersionCheck",
            "--loose",
            "--blobHost",
            "127.0.0.1",
            "--queueHost",
            "127.0.0.1",
            "--tableHost",
            "127.0.0.1",
            "--blobPort",
            str(blob),
            "--queuePort",
            str(queue),
            "--tablePort",
            str(table),
        ]
        args += ["--inMemoryPersistence"] if in_memory else ["--location", workdir]
        process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=workdir)
        instance = cls(blob, queue, table, process, workdir)
        deadline = time.monotonic() + 30
        try:
            for port in (blob, queue, table):
                _wait_for_port(port, deadline)
        except RuntimeError:
            instance.stop()
            raise
        return instance

    def stop(self) -> None:
        """Terminate the process."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.process = None

    def __enter__(self) -> Azurite:
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()


if __name__ == "__main__":
    import sys

    instance = Azurite.start(in_memory=False, location=str(ROOT / ".azurite"), ports=(10000, 10001, 10002))
    print("Azurite on 10000/10001/10002 (UseDevelopmentStorage=true). Ctrl-C to stop.", flush=True)
    try:
        assert instance.process is not None
        instance.process.wait()
    except KeyboardInterrupt:
        instance.stop()
        sys.exit(0)

"""`?ssl=verify-full` against a real PostgreSQL with TLS: a throwaway cluster on its own port,
with a certificate from a test CA, reached through the app's own settings and engine."""

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config.settings import Settings
from bot.storage.engine import create_engine, ping

BIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"))), None)
pytestmark = pytest.mark.skipif(
    BIN is None
    or shutil.which("openssl") is None
    or (os.geteuid() == 0 and shutil.which("runuser") is None),
    reason="needs PostgreSQL's server binaries and openssl (Debian's postgresql package)",
)


def _run(*args: str, cwd: Path) -> None:
    subprocess.run(args, cwd=cwd, check=True, capture_output=True)


def _as_postgres(*args: str) -> list[str]:
    """initdb and the server refuse root; CI runs as root, a developer may not."""
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else list(args)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def tls_server() -> Iterator[tuple[int, Path]]:
    """(port, the CA's certificate) of a PostgreSQL that speaks TLS as `localhost`."""
    with tempfile.TemporaryDirectory(prefix="wellspring-pgtls-") as name:
        folder = Path(name)
        folder.chmod(0o755)  # the server's user must reach it (pytest's own folder is private)
        yield from _serve(folder)


def _serve(folder: Path) -> Iterator[tuple[int, Path]]:
    _run(
        "openssl",
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-keyout",
        "ca.key",
        "-out",
        "ca.crt",
        "-subj",
        "/CN=Wellspring test CA",
        cwd=folder,
    )
    _run(
        "openssl",
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
        "-subj",
        "/CN=localhost",
        cwd=folder,
    )
    (folder / "san.ext").write_text("subjectAltName=DNS:localhost\n")
    _run("openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
         "-CAcreateserial", "-days", "1", "-out", "server.crt", "-extfile", "san.ext",
         cwd=folder)  # fmt: skip
    (folder / "server.key").chmod(0o600)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
        for path in folder.iterdir():
            shutil.chown(path, "postgres")
    data, port = folder / "data", _free_port()
    subprocess.run(
        _as_postgres(str(BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"),
        check=True, capture_output=True,
    )  # fmt: skip
    options = (
        f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c ssl=on "
        f"-c ssl_cert_file={folder}/server.crt -c ssl_key_file={folder}/server.key"
    )
    pg_ctl = [str(BIN / "pg_ctl"), "-D", str(data), "-l", str(folder / "log")]
    subprocess.run(_as_postgres(*pg_ctl, "-o", options, "-w", "start"), check=True)
    try:
        yield port, folder / "ca.crt"
    finally:
        subprocess.run(_as_postgres(*pg_ctl, "-m", "immediate", "stop"), check=False)


async def _connects(url: str) -> None:
    engine = create_engine(Settings(_env_file=None, database_url=url).database_url)
    try:
        await ping(engine)
    finally:
        await engine.dispose()


@pytest.mark.parametrize("parameter", ["ssl", "sslmode"])
async def test_verify_full_connects_when_the_ca_signed_the_servers_name(
    tls_server: tuple[int, Path], monkeypatch: pytest.MonkeyPatch, parameter: str
) -> None:
    port, ca = tls_server
    monkeypatch.setenv("PGSSLROOTCERT", str(ca))
    await _connects(f"postgresql://postgres@localhost:{port}/postgres?{parameter}=verify-full")


async def test_verify_full_refuses_a_server_the_ca_did_not_sign(
    tls_server: tuple[int, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    port, _ = tls_server
    monkeypatch.setenv("PGSSLROOTCERT", "/etc/ssl/certs/ca-certificates.crt")
    with pytest.raises(Exception, match="certificate verify failed"):
        await _connects(f"postgresql://postgres@localhost:{port}/postgres?ssl=verify-full")


async def test_verify_full_refuses_a_name_the_certificate_does_not_carry(
    tls_server: tuple[int, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    port, ca = tls_server
    monkeypatch.setenv("PGSSLROOTCERT", str(ca))
    with pytest.raises(Exception, match=r"(?i)hostname|IP address mismatch"):
        await _connects(f"postgresql://postgres@127.0.0.1:{port}/postgres?ssl=verify-full")

"""A throwaway PostgreSQL cluster for the tests: TLS on, SCRAM, MD5 and a clear-text user.

Debian's PostgreSQL server (``/usr/lib/postgresql/<version>/bin``) runs a cluster in a
temporary folder on a free port of 127.0.0.1, with a certificate authority and a server
certificate made here with the ``openssl`` command (the server's names it ``localhost``
only: connecting to ``127.0.0.1`` fails its host-name check, as it should). initdb
refuses to run as root, so as root every server command runs as the ``postgres`` user
(``runuser``), which owns the folder. ``make test`` installs the server package when
it is missing (the Makefile's ``postgresql`` stamp); without it the tests fail, they do
not skip: CI must run them.

The cluster's users, each allowed over TLS (``hostssl``) from 127.0.0.1 only:
``app`` (SCRAM-SHA-256; owns the database ``refarch``), ``unicode`` (SCRAM, with a
password that SASLprep changes), ``md5_user`` (MD5, its password stored as an MD5
hash) and ``clear`` (pg_hba ``password``: the server asks for it in clear text).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import pytest

HOST: Final = "localhost"
DATABASE: Final = "refarch"
APP_USER: Final = "app"
APP_PASSWORD: Final = "app-secret-'\"-1"
UNICODE_USER: Final = "unicode"
#: U+FB01 (the "fi" ligature) becomes "fi" under SASLprep's NFKC; U+00AD (soft hyphen)
#: is removed. PostgreSQL hashes the prepared password, so the client must prepare it too.
UNICODE_PASSWORD: Final = "pässwörd-\ufb01\u00ad"
MD5_USER: Final = "md5_user"
MD5_PASSWORD: Final = "md5-secret"
CLEAR_USER: Final = "clear"
CLEAR_PASSWORD: Final = "clear-secret"
SERVER_PACKAGE_HINT: Final = (
    "PostgreSQL's server (initdb) is not installed: run `make test`, which installs Debian's postgresql package"
)


def _bin_dir() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    if not found:
        pytest.fail(SERVER_PACKAGE_HINT, pytrace=False)
    return found[-1].parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=30)


def _make_ca(folder: Path, name: str) -> None:
    _openssl(
        "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", f"{name}.key", "-out", f"{name}.pem", "-days", "2", "-subj", f"/CN=refarch-web test {name}",
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        cwd=folder,
    )  # fmt: skip


def make_certificates(folder: Path) -> None:
    """``ca.pem`` (signs ``server.pem``, for ``localhost``) and ``other-ca.pem`` (signs nothing here)."""
    _make_ca(folder, "ca")
    _make_ca(folder, "other-ca")
    (folder / "server.ext").write_text(
        "subjectAltName=DNS:localhost\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"
        "extendedKeyUsage=serverAuth\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n"
    )
    _openssl(
        "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost", cwd=folder,
    )  # fmt: skip
    _openssl(
        "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-set_serial", "2",
        "-days", "2", "-extfile", "server.ext", "-out", "server.pem", cwd=folder,
    )  # fmt: skip
    (folder / "server.key").chmod(0o600)


@dataclass
class Cluster:
    folder: Path
    bin_dir: Path
    port: int
    as_postgres: list[str]

    host: str = HOST
    database: str = DATABASE

    @property
    def ca_file(self) -> Path:
        return self.folder / "ca.pem"

    @property
    def other_ca_file(self) -> Path:
        return self.folder / "other-ca.pem"

    def run(self, program: str, *args: str) -> str:
        result = subprocess.run(
            [*self.as_postgres, str(self.bin_dir / program), *args],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        if result.returncode != 0:
            log = self.folder / "server.log"
            raise AssertionError(f"{program} failed: {result.stderr}\n{log.read_text() if log.exists() else ''}")
        return result.stdout

    def sql(self, *statements: str, database: str = "postgres") -> str:
        """Each statement run as the superuser over the cluster's Unix socket, outside our client."""
        commands = [arg for statement in statements for arg in ("-c", statement)]
        return self.run(
            "psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-h", str(self.folder), "-p", str(self.port),
            "-U", "postgres", "-d", database, *commands,
        )  # fmt: skip

    def sessions(self, user: str, *, settle: float = 0.0) -> int:
        """How many sessions ``user`` has; with ``settle``, waits up to that long for none
        (a backend leaves pg_stat_activity a moment after its client said goodbye)."""
        deadline = time.monotonic() + settle
        while True:
            count = int(self.sql(f"SELECT count(*) FROM pg_stat_activity WHERE usename = '{user}'"))
            if count == 0 or time.monotonic() >= deadline:
                return count
            time.sleep(0.05)


def start_cluster() -> Iterator[Cluster]:
    """A running cluster (set up as the module docstring says), stopped and removed afterwards."""
    bin_dir = _bin_dir()
    if shutil.which("openssl") is None:
        pytest.fail("the openssl command is needed to make the test certificates", pytrace=False)
    folder = Path(tempfile.mkdtemp(prefix="refarch-web-pg-"))
    as_postgres: list[str] = []
    if os.geteuid() == 0:
        as_postgres = ["runuser", "-u", "postgres", "--"]
    make_certificates(folder)
    if as_postgres:
        shutil.chown(folder, "postgres")
        for path in folder.iterdir():
            shutil.chown(path, "postgres")
    cluster = Cluster(folder, bin_dir, _free_port(), as_postgres)
    data = folder / "data"
    cluster.run("initdb", "-D", str(data), "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8", "--locale=C")
    settings = {
        "listen_addresses": "'127.0.0.1'",
        "port": str(cluster.port),
        "unix_socket_directories": f"'{folder}'",
        "ssl": "on",
        "ssl_cert_file": f"'{folder / 'server.pem'}'",
        "ssl_key_file": f"'{folder / 'server.key'}'",
        "password_encryption": "'scram-sha-256'",
        "fsync": "off",
        "synchronous_commit": "off",
        "full_page_writes": "off",
        "max_connections": "40",
    }
    with (data / "postgresql.conf").open("a") as conf:
        conf.writelines(f"{name} = {value}\n" for name, value in settings.items())
    (data / "pg_hba.conf").write_text(
        "local all postgres trust\n"
        f"hostssl all {MD5_USER} 127.0.0.1/32 md5\n"
        f"hostssl all {CLEAR_USER} 127.0.0.1/32 password\n"
        "hostssl all all 127.0.0.1/32 scram-sha-256\n"
    )
    cluster.run("pg_ctl", "-D", str(data), "-l", str(folder / "server.log"), "-w", "-t", "30", "start")
    try:
        cluster.sql(
            f"CREATE ROLE {APP_USER} LOGIN PASSWORD '{APP_PASSWORD.replace(chr(39), chr(39) * 2)}'",
            f"CREATE ROLE {UNICODE_USER} LOGIN PASSWORD '{UNICODE_PASSWORD}'",
            f"CREATE ROLE {CLEAR_USER} LOGIN PASSWORD '{CLEAR_PASSWORD}'",
            "SET password_encryption = 'md5'",
            f"CREATE ROLE {MD5_USER} LOGIN PASSWORD '{MD5_PASSWORD}'",
            f"CREATE DATABASE {DATABASE} OWNER {APP_USER}",
        )
        yield cluster
    finally:
        cluster.run("pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(folder, ignore_errors=True)

"""A local PostgreSQL 17 + Apache AGE server, run from a Debian trixie chroot.

Debian bookworm has no AGE package; trixie's ``postgresql-17-age`` needs trixie's
C library, so the server runs inside a trixie root file system built once with
``mmdebstrap`` (needs root) and cached outside the work tree, by default in
``~/.cache/runic/age-rootfs`` (``RUNIC_CACHE_DIR`` moves the cache,
``RUNIC_AGE_ROOTFS`` names a root file system directly). A lock file serialises
concurrent builds; a build goes to a temporary directory renamed into place
when complete, so an interrupted build is never used.

Each test run initialises its own data directory inside the root
(``/tmp/runic-pg-...``), starts ``postgres`` directly (chroot, then the
``postgres`` user, then exec: the process id is the postmaster's), and stops it
by that pid with SIGINT (fast shutdown).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from runic_integration.providers.base import ProviderFailed, Server, Unavailable
from runic_integration.providers.process import (
    LocalProcess,
    free_port,
    owned_temp_dir,
    pid_exists,
    tcp_answers,
    wait_until,
)

__all__ = [
    "DEFAULT_MIRROR",
    "LocalAGE",
    "RootfsBuilder",
    "cache_dir",
]

DEFAULT_MIRROR = "http://deb.debian.org/debian"
SUITE = "trixie"
PACKAGES = ("postgresql-17", "postgresql-17-age")
PG_BIN = "/usr/lib/postgresql/17/bin"
_MARKER = ".runic-rootfs-complete"
_KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg"
_CHILD_ENV = {"PATH": "/usr/bin:/bin", "HOME": "/tmp", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}


def cache_dir() -> Path:
    """``RUNIC_CACHE_DIR``, else ``$XDG_CACHE_HOME/runic``, else ``~/.cache/runic``."""
    explicit = os.environ.get("RUNIC_CACHE_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "runic"


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


class RootfsBuilder:
    """Builds (once) and finds the trixie root file system holding PostgreSQL + AGE."""

    def __init__(self, path: Path | None = None, *, mirror: str | None = None) -> None:
        explicit = os.environ.get("RUNIC_AGE_ROOTFS")
        self.path = path or (Path(explicit) if explicit else cache_dir() / "age-rootfs")
        self.mirror = mirror or os.environ.get("RUNIC_DEBIAN_MIRROR", DEFAULT_MIRROR)

    @property
    def complete(self) -> bool:
        """True when a finished build is in place."""
        return self._is_complete()

    def _is_complete(self) -> bool:
        return (self.path / _MARKER).is_file()

    def check_can_build(self) -> None:
        """Unavailable unless this machine can build the root (Linux, root, mmdebstrap)."""
        if not sys.platform.startswith("linux"):
            raise Unavailable("the AGE chroot needs Linux")
        if os.geteuid() != 0:
            raise Unavailable(
                "the AGE chroot needs root (mmdebstrap and chroot); run as root, or point "
                "RUNIC_TEST_AGE_DSN at a PostgreSQL server with AGE"
            )
        if self.complete:
            return
        if shutil.which("mmdebstrap") is None:
            raise Unavailable(
                f"mmdebstrap is not installed (apt-get install mmdebstrap) and no AGE root "
                f"file system is cached at {self.path}"
            )

    def ensure(self) -> Path:
        """Return the root file system, building it first if needed (under a lock)."""
        self.check_can_build()
        if self.complete:
            return self.path
        lock = self.path.with_name(self.path.name + ".lock")
        with _locked(lock):
            if self._is_complete():  # built by another process while we waited
                return self.path
            self._sweep_partials()
            partial = self.path.with_name(f"{self.path.name}.partial-{os.getpid()}")
            shutil.rmtree(partial, ignore_errors=True)
            log = self.path.with_name(self.path.name + ".build.log")
            source = f"deb [signed-by={_KEYRING}] {self.mirror} {SUITE} main"
            argv = [
                "mmdebstrap",
                "--variant=minbase",
                f"--include={','.join(PACKAGES)}",
                SUITE,
                str(partial),
                source,
            ]
            with open(log, "wb") as out:
                try:
                    done = subprocess.run(
                        argv, stdout=out, stderr=subprocess.STDOUT, timeout=1800, check=False
                    )
                except (OSError, subprocess.TimeoutExpired) as exc:
                    shutil.rmtree(partial, ignore_errors=True)
                    raise ProviderFailed(
                        f"building the AGE root failed: {exc} (log {log})"
                    ) from exc
            if done.returncode != 0:
                shutil.rmtree(partial, ignore_errors=True)
                tail = "\n".join(log.read_text(errors="replace").splitlines()[-15:])
                raise ProviderFailed(
                    f"mmdebstrap exited with {done.returncode} building the AGE root "
                    f"(log {log}):\n{tail}"
                )
            if not (partial / PG_BIN.lstrip("/") / "postgres").is_file():
                shutil.rmtree(partial, ignore_errors=True)
                raise ProviderFailed(f"the AGE root built by mmdebstrap has no {PG_BIN}/postgres")
            (partial / _MARKER).write_text(
                f"suite={SUITE}\npackages={' '.join(PACKAGES)}\nmirror={self.mirror}\n"
                f"built={time.strftime('%Y-%m-%dT%H:%M:%S')}\n"
            )
            if self.path.exists():  # an incomplete leftover from an older layout
                shutil.rmtree(self.path)
            os.rename(partial, self.path)
        return self.path

    def _sweep_partials(self) -> None:
        for leftover in self.path.parent.glob(f"{self.path.name}.partial-*"):
            suffix = leftover.name.rsplit("-", 1)[-1]
            if suffix.isdigit() and pid_exists(int(suffix)) and int(suffix) != os.getpid():
                continue
            shutil.rmtree(leftover, ignore_errors=True)


def _postgres_ids(rootfs: Path) -> tuple[int, int]:
    for line in (rootfs / "etc" / "passwd").read_text().splitlines():
        fields = line.split(":")
        if fields[0] == "postgres":
            return int(fields[2]), int(fields[3])
    raise ProviderFailed(f"{rootfs}/etc/passwd has no postgres user")


def _enter(rootfs: Path, uid: int, gid: int) -> Callable[[], None]:
    """A ``preexec_fn``: chroot into ``rootfs`` and become ``uid:gid``."""
    root = str(rootfs)

    def enter() -> None:
        os.chroot(root)
        os.chdir("/")
        os.setgroups([])
        os.setgid(gid)
        os.setuid(uid)

    return enter


def _psycopg_ready(port: int) -> bool:
    try:
        import psycopg
    except ImportError:
        return tcp_answers("127.0.0.1", port)
    try:
        with psycopg.connect(
            host="127.0.0.1", port=port, user="postgres", dbname="postgres", connect_timeout=2
        ):
            return True
    except psycopg.Error:
        return False


class LocalAGE:
    """PostgreSQL 17 with AGE from the cached trixie chroot (root only)."""

    name = "local"
    kind = "local"

    def __init__(
        self, builder: RootfsBuilder | None = None, *, startup_timeout: float = 60.0
    ) -> None:
        self.builder = builder or RootfsBuilder()
        self.startup_timeout = startup_timeout

    def provide(self) -> Server:
        """Build the root if needed, initdb a fresh cluster, start postgres on a free port."""
        rootfs = self.builder.ensure()
        uid, gid = _postgres_ids(rootfs)
        outer = owned_temp_dir("runic-pg-", rootfs / "tmp")
        inner = f"/tmp/{outer.name}"
        os.chmod(outer, 0o700)
        os.chown(outer, uid, gid)
        enter = _enter(rootfs, uid, gid)
        try:
            initdb = subprocess.run(
                [
                    f"{PG_BIN}/initdb",
                    "-D",
                    f"{inner}/data",
                    "-A",
                    "trust",
                    "-U",
                    "postgres",
                    "--no-sync",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                ],
                env=_CHILD_ENV,
                preexec_fn=enter,
                capture_output=True,
                timeout=120,
                check=False,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            shutil.rmtree(outer, ignore_errors=True)
            raise ProviderFailed(f"initdb in the AGE root {rootfs} failed: {exc}") from exc
        if initdb.returncode != 0:
            shutil.rmtree(outer, ignore_errors=True)
            output = (initdb.stdout + initdb.stderr).decode(errors="replace")[-2000:]
            raise ProviderFailed(f"initdb in the AGE root {rootfs} failed:\n{output}")
        port = free_port()
        process = LocalProcess(
            [
                f"{PG_BIN}/postgres",
                "-D",
                f"{inner}/data",
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                f"port={port}",
                "-c",
                f"unix_socket_directories={inner}",
                "-c",
                "fsync=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "full_page_writes=off",
                "-c",
                "shared_preload_libraries=age",
            ],
            log_path=outer / "server.log",
            env=_CHILD_ENV,
            preexec=enter,
            stop_signal=signal.SIGINT,
            stop_timeout=20.0,
        )
        processes = [process]
        try:
            process.start()
            wait_until(
                lambda: _psycopg_ready(port),
                process,
                timeout=self.startup_timeout,
                what="PostgreSQL with AGE",
            )
        except BaseException:
            process.stop()
            shutil.rmtree(outer, ignore_errors=True)
            raise
        return Server(
            backend="age",
            provider=self.name,
            description=(
                f"PostgreSQL 17 + AGE (Debian {SUITE} chroot {rootfs}) on 127.0.0.1:{port} "
                f"(pid {process.pid})"
            ),
            settings={
                "host": "127.0.0.1",
                "port": port,
                "database": "postgres",
                "username": "postgres",
                "password": "",
            },
            pid=process.pid,
            stopper=_stopper(processes, outer),
            restarter=_restarter(processes, port, self.startup_timeout),
        )


def _stopper(processes: list[LocalProcess], outer: Path) -> Callable[[], None]:
    def stop() -> None:
        try:
            processes[-1].stop()
        finally:
            shutil.rmtree(outer, ignore_errors=True)

    return stop


def _restarter(processes: list[LocalProcess], port: int, timeout: float) -> Callable[[], int]:
    """Stop postgres (fast shutdown) and start it again on the same port and data."""

    def restart() -> int:
        old = processes[-1]
        old.stop()
        new = LocalProcess(
            old.argv,
            log_path=old.log_path,
            env=old.env,
            preexec=old.preexec,
            stop_signal=old.stop_signal,
            stop_timeout=old.stop_timeout,
        )
        processes.append(new)
        new.start()
        wait_until(lambda: _psycopg_ready(port), new, timeout=timeout, what="PostgreSQL with AGE")
        assert new.pid is not None
        return new.pid

    return restart

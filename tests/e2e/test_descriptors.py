"""Running out of file descriptors, and connections that never speak.

The binary runs under a lowered descriptor limit (RLIMIT_NOFILE 64) and is sent more idle
connections than it can hold: accept fails with EMFILE, and the listener must back off instead of
retrying at once — the process stays near idle, its log stays a few lines — and serve again once the
connections close. A connection that sends nothing is closed at the header timeout, not held for the
idle timeout; a kept-alive connection after a response keeps the idle timeout.
"""
from __future__ import annotations

import os
import resource
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests

from e2e_helpers import emulator_bin, wait_until

FD_LIMIT = 64


def _child_env() -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARATRO_EMULATOR_")}
    return env


class LimitedEmulator:
    """The binary started with its own descriptor limit; stdout (banner and log) goes to a file."""

    def __init__(self, workdir: Path, *args: str, fd_limit: int | None = None):
        workdir.mkdir(parents=True, exist_ok=True)
        self.log_path = workdir / "stdout.log"
        port_file = workdir / "port"
        cmd = [emulator_bin(), "--port", "0", "--database", str(workdir / "emulator.db"), "--port-file",
               str(port_file), "--log-level", "warn", *args]

        def lower_limit():
            if fd_limit is not None:
                resource.setrlimit(resource.RLIMIT_NOFILE, (fd_limit, fd_limit))

        self._out = open(self.log_path, "wb")
        self.proc = subprocess.Popen(cmd, stdout=self._out, stderr=subprocess.STDOUT, env=_child_env(),
                                     preexec_fn=lower_limit)
        deadline = time.monotonic() + 15
        while not port_file.exists():
            assert self.proc.poll() is None, f"emulator exited: {self.log_text()}"
            assert time.monotonic() < deadline, f"no port file in time: {self.log_text()}"
            time.sleep(0.02)
        self.port = int(port_file.read_text())
        self.url = f"http://127.0.0.1:{self.port}"

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        # After the ")" of comm: fields[0] is state (field 3), so utime (14) and stime (15) are 11, 12.
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._out.close()


@pytest.fixture
def limited(tmp_path):
    started: list[LimitedEmulator] = []

    def start(*args, fd_limit=None):
        e = LimitedEmulator(tmp_path / f"srv{len(started)}", *args, fd_limit=fd_limit)
        started.append(e)
        return e

    yield start
    for e in started:
        e.stop()


def health_ok(url: str) -> bool:
    try:
        return requests.get(url + "/_sandbox/health", timeout=2).status_code == 200
    except requests.RequestException:
        return False


def _has_ubsan_vptr_check(binary: str) -> bool:
    return b"__ubsan_handle_dynamic_type_cache_miss" in Path(binary).read_bytes()


def test_out_of_descriptors_backs_off_quietly_and_recovers(limited):
    if _has_ubsan_vptr_check(emulator_bin()):
        # UBSan's vptr check (clang 14's runtime) proves an object readable by writing it into a
        # pipe() it opens per check; with every descriptor taken that fails, and it reports a valid
        # object as "invalid vptr" and dies trying to open its log file. The sanitizer, not the
        # emulator, cannot run without free descriptors; the release build runs this test.
        pytest.skip("UBSan's vptr check needs free descriptors; this test exhausts them")
    # Header timeout far above the test's length: the idle connections must stay open throughout.
    emu = limited("--header-timeout-s", "120", fd_limit=FD_LIMIT)
    assert health_ok(emu.url)
    conns = []
    try:
        for _ in range(FD_LIMIT * 2):
            conns.append(socket.create_connection(("127.0.0.1", emu.port), timeout=5))
        wait_until(lambda: "accept failed" in emu.log_text(), 15, "the first failed accept")
        lines_before = len(emu.log_text().splitlines())
        cpu_before = emu.cpu_seconds()
        time.sleep(2)
        cpu_used = emu.cpu_seconds() - cpu_before
        log = emu.log_text()
        # A spinning accept loop uses a whole core (about 2 s here) and writes thousands of lines.
        assert cpu_used < 0.3, f"{cpu_used:.2f} CPU seconds in 2 s while out of descriptors"
        assert log.count("accept failed") == 1, log[-2000:]
        assert len(log.splitlines()) - lines_before <= 2, log[-2000:]
        assert emu.proc.poll() is None
    finally:
        for c in conns:
            c.close()
    wait_until(lambda: health_ok(emu.url), 20, "the service to answer again")
    wait_until(lambda: "accepting again" in emu.log_text(), 5, "the end of the back-off to be logged")
    assert len(emu.log_text().splitlines()) < 20


def test_a_silent_connection_is_closed_at_the_header_timeout(limited):
    emu = limited("--header-timeout-s", "1")
    with socket.create_connection(("127.0.0.1", emu.port), timeout=15) as s:
        started = time.monotonic()
        data = s.recv(1)  # blocks until the server closes (b"") or the 15 s socket timeout raises
        assert data == b""
        # Generous: closed by the 1 s header timeout, far from the 60 s idle timeout.
        assert time.monotonic() - started < 15


def test_a_kept_alive_connection_keeps_the_idle_timeout(limited):
    emu = limited("--header-timeout-s", "1")
    request = b"GET /_sandbox/health HTTP/1.1\r\nHost: x\r\n\r\n"
    with socket.create_connection(("127.0.0.1", emu.port), timeout=15) as s:
        for _ in range(2):
            s.sendall(request)
            response = b""
            while b"\r\n\r\n" not in response:
                chunk = s.recv(4096)
                assert chunk, "closed before a response"
                response += chunk
            assert response.startswith(b"HTTP/1.1 200")
            head, _, body = response.partition(b"\r\n\r\n")
            length = int([h.split(b":")[1] for h in head.split(b"\r\n") if h.lower().startswith(b"content-length")][0])
            while len(body) < length:
                body += s.recv(4096)
            # Three header timeouts of silence after a response: still open, since the wait between
            # requests is the idle timeout (60 s).
            s.settimeout(3)
            with pytest.raises(socket.timeout):
                s.recv(1)
            s.settimeout(15)

"""clamd for the tests: a fake one speaking its protocol (PING, INSTREAM), so that the tests
of the scanning logic need no ClamAV on the developer's machine, and the real one when it is
there (``real_clamd``: CI starts it with ``.ci/clamav/start``; elsewhere the tests that need it
skip, saying why).

The EICAR test file is built from two halves, so that no antivirus on a developer's
machine quarantines this source file.
"""

import os
import socketserver
import struct
import threading
import uuid
from pathlib import Path

import pytest

from iae_portal import antivirus

EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR" + b"-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
# A file the portal accepts by its type (PDF) and the antivirus finds EICAR in.
EICAR_PDF = b"%PDF-1.4\n" + EICAR + b"\n%%EOF\n"
REAL_SOCKET = os.environ.get("IAE_TEST_CLAMD_SOCKET", "/tmp/iae-clamd/clamd.ctl")
# CI sets it: there, a missing clamd fails the tests that need it instead of skipping them.
REQUIRED = os.environ.get("IAE_TEST_REQUIRE_CLAMD") == "1"


class _Handler(socketserver.StreamRequestHandler):
    def handle(self):
        command = self.rfile.readline().strip()
        if command in (b"nPING", b"zPING\x00"):
            self.wfile.write(b"PONG\n")
            return
        if command != b"nINSTREAM":
            self.wfile.write(b"UNKNOWN COMMAND\n")
            return
        data = bytearray()
        while size := struct.unpack("!L", self.rfile.read(4))[0]:
            data += self.rfile.read(size)
        self.server.scanned.append(bytes(data))
        if EICAR in data:
            self.wfile.write(b"stream: Eicar-Test-Signature FOUND\n")
        else:
            self.wfile.write(b"stream: OK\n")


class _Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


class FakeClamd:
    """A clamd on a Unix socket: EICAR anywhere in a file is found. ``stop()`` makes it
    unreachable (the socket refuses connections), ``start()`` brings it back."""

    def __init__(self, path):
        self.path = str(path)
        self.scanned = []
        self._server = None

    def start(self):
        self._server = _Server(self.path, _Handler)
        self._server.scanned = self.scanned
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self):
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        Path(self.path).unlink(missing_ok=True)


@pytest.fixture
def fake_clamd(settings):
    """Scanning on, with a fake clamd (a short socket path: Unix sockets allow ~100 bytes)."""
    clamd = FakeClamd(Path("/tmp") / f"iae-fake-clamd-{uuid.uuid4().hex[:12]}.ctl")
    clamd.start()
    settings.IAE_SCAN_UPLOADS = True
    settings.CLAMD_SOCKET = clamd.path
    settings.CLAMD_HOST = ""
    settings.CLAMD_UNREACHABLE = "wait"
    yield clamd
    clamd.stop()


@pytest.fixture
def real_clamd(settings):
    """Scanning on, with the real clamd of ``IAE_TEST_CLAMD_SOCKET``; skipped without it
    (failed in CI, where ``IAE_TEST_REQUIRE_CLAMD=1``)."""
    settings.IAE_SCAN_UPLOADS = True
    settings.CLAMD_SOCKET = REAL_SOCKET
    settings.CLAMD_HOST = ""
    settings.CLAMD_UNREACHABLE = "wait"
    if not antivirus.ping():
        reason = (
            f"no clamd answers on {REAL_SOCKET} (start one: bash .ci/clamav/start; or set "
            "IAE_TEST_CLAMD_SOCKET)"
        )
        if REQUIRED:
            pytest.fail(reason)
        pytest.skip(reason)
    return REAL_SOCKET


def unreachable_socket():
    """A socket path nothing listens on: clamd down."""
    return f"/tmp/iae-no-clamd-{uuid.uuid4().hex[:12]}.ctl"

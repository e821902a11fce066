"""ClamAV's daemon (clamd) scans every uploaded file: ``scan(file)`` gives a ``Verdict``.

clamd is reached on a Unix socket (``CLAMD_SOCKET``) or over TCP (``CLAMD_HOST``,
``CLAMD_PORT``) with the INSTREAM command (``clamav-client``): the file's bytes are sent, not
its path, so clamd needs no access to the media folder. ``IAE_SCAN_UPLOADS`` off (a
developer's machine without clamd, see the settings) gives ``UNSCANNED`` and says so in the
log; on, an unreachable or failing clamd gives ``PENDING``: the file waits for a later scan
(``iae_portal.uploads.scan_waiting``), or is refused if ``CLAMD_UNREACHABLE`` is "refuse".
"""

import logging
from dataclasses import dataclass

from clamav_client.clamd import ClamdError, ClamdNetworkSocket, ClamdUnixSocket
from django.conf import settings
from django.db import models

logger = logging.getLogger(__name__)


class ScanState(models.TextChoices):
    UNSCANNED = "unscanned", "non analysé"
    PENDING = "pending", "en cours d'analyse"
    CLEAN = "clean", "analysé, sain"
    INFECTED = "infected", "infecté"


@dataclass(frozen=True)
class Verdict:
    state: str  # a ScanState
    signature: str = ""  # what clamd found in an infected file


_told_off = False


def enabled():
    return settings.IAE_SCAN_UPLOADS


def configured():
    return bool(settings.CLAMD_SOCKET or settings.CLAMD_HOST)


def _client():
    if settings.CLAMD_SOCKET:
        return ClamdUnixSocket(settings.CLAMD_SOCKET, timeout=settings.CLAMD_TIMEOUT)
    return ClamdNetworkSocket(
        settings.CLAMD_HOST, settings.CLAMD_PORT, timeout=settings.CLAMD_TIMEOUT
    )


def _where():
    return settings.CLAMD_SOCKET or f"{settings.CLAMD_HOST}:{settings.CLAMD_PORT}"


def scan(file):
    """The verdict on ``file`` (an open binary file, read from its start and rewound)."""
    global _told_off
    if not enabled():
        if not _told_off:
            logger.warning(
                "Uploads are NOT scanned for viruses: IAE_SCAN_UPLOADS is off (no "
                "CLAMD_SOCKET or CLAMD_HOST on a DEBUG machine). Files are kept as 'unscanned'."
            )
            _told_off = True
        return Verdict(ScanState.UNSCANNED)
    if not configured():
        logger.error("IAE_SCAN_UPLOADS is on but neither CLAMD_SOCKET nor CLAMD_HOST is set.")
        return Verdict(ScanState.PENDING)
    file.seek(0)
    try:
        result = _client().instream(file)
    except (ClamdError, OSError) as error:
        logger.warning("clamd at %s cannot scan a file now: %s", _where(), error)
        return Verdict(ScanState.PENDING)
    finally:
        file.seek(0)
    status, signature = result.get("stream", (None, None))
    if status == "OK":
        return Verdict(ScanState.CLEAN)
    if status == "FOUND":
        logger.warning("clamd found %s in an upload.", signature)
        return Verdict(ScanState.INFECTED, signature or "inconnue")
    logger.warning("clamd at %s answered %r: the file waits for a later scan.", _where(), result)
    return Verdict(ScanState.PENDING)


def ping():
    """Whether clamd answers (``PONG``)."""
    if not configured():
        return False
    try:
        return _client().ping() == "PONG"
    except (ClamdError, OSError):
        return False

"""``Idempotency-Key`` on POST: the first answer is stored and replayed to the same key.

A key is the client's (its account's): two clients may use the same key. The same key
with another request (method, path or body) answers 409; so does a key whose first request
is still being processed. Answers that are not final (429, 5xx) are not kept, so the
request can be retried.
"""

import functools
import hashlib
import json

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from rest_framework.response import Response

from .errors import Conflict, FieldError
from .models import IdempotentRequest

HEADER = "Idempotency-Key"


def _plain(value):
    if isinstance(value, UploadedFile):
        digest = hashlib.sha256()
        for chunk in value.chunks():
            digest.update(chunk)
        value.seek(0)
        return {"file": value.name, "size": value.size, "sha256": digest.hexdigest()}
    if hasattr(value, "lists"):  # QueryDict, MultiValueDict
        return {k: [_plain(v) for v in vs] for k, vs in value.lists()}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def fingerprint(request):
    payload = {
        "method": request.method,
        "path": request.path,
        "data": _plain(request.data),
        "files": _plain(request.FILES) if request.FILES else None,
    }
    raw = json.dumps(payload, sort_keys=True, default=str).encode()
    return hashlib.sha256(raw).hexdigest()


def _key(request):
    key = request.headers.get(HEADER)
    if key is None:
        return None
    key = key.strip()
    if not 1 <= len(key) <= 255 or not key.isascii() or not key.isprintable():
        raise FieldError(HEADER, "Une clé de 1 à 255 caractères ASCII imprimables est attendue.")
    return key


def idempotent(method):
    """Decorate a POST handler of a viewset."""

    @functools.wraps(method)
    def wrapper(self, request, *args, **kwargs):
        key = _key(request)
        if key is None:
            return method(self, request, *args, **kwargs)
        fp = fingerprint(request)
        try:
            with transaction.atomic():
                record = IdempotentRequest.objects.create(
                    user=request.user, key=key, fingerprint=fp
                )
        except IntegrityError:
            return _replay(request, key, fp)
        try:
            response = method(self, request, *args, **kwargs)
        except BaseException:
            record.delete()
            raise
        if response.status_code >= 500 or response.status_code == 429:
            record.delete()
            return response
        record.status = response.status_code
        record.body = response.data
        record.location = response.headers.get("Location", "")
        record.save(update_fields=["status", "body", "location"])
        return response

    return wrapper


def _replay(request, key, fp):
    record = IdempotentRequest.objects.get(user=request.user, key=key)
    if record.fingerprint != fp:
        raise Conflict(
            "Cette clé d'idempotence a déjà servi pour une autre requête.",
            code="idempotency_key_reused",
        )
    if record.status is None:
        raise Conflict(
            "La première requête de cette clé d'idempotence est en cours : réessayez.",
            code="idempotency_in_progress",
        )
    headers = {"Idempotent-Replayed": "true"}
    if record.location:
        headers["Location"] = record.location
    return Response(record.body, status=record.status, headers=headers)

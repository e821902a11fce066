"""An uploaded file kept between the report shown to staff and their confirmation.

The content waits in the session under a random token; the confirmation must bring the
same token back, so a stale or forged confirmation writes nothing. Used by the import
pages (``iae_portal.imports.ImportView``).
"""

import secrets

EXPIRED = "Cet import a expiré : déposez à nouveau le fichier."


def stash(request, key, *, name, content, **extra):
    """Keep ``content`` (bytes) for the confirmation; returns the token to put in the form."""
    token = secrets.token_urlsafe(16)
    request.session[key] = {
        "token": token,
        "name": name,
        "content": content.decode("utf-8", errors="replace"),
        **extra,
    }
    return token


def pending(request, key):
    """What ``stash`` kept, if the POSTed token matches it; ``None`` otherwise."""
    kept = request.session.get(key)
    if not kept or kept["token"] != request.POST.get("token"):
        return None
    return kept


def forget(request, key):
    request.session.pop(key, None)

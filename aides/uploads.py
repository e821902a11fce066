"""Supporting documents: PDF, JPEG or PNG, recognised by their content, 10 MB at most."""

from django.core.exceptions import ValidationError

MAX_SIZE = 10 * 1024 * 1024
SIGNATURES = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
)


def sniff(upload):
    """``(content_type, extension)`` read from the file's first bytes, or a French error."""
    name = upload.name or ""
    had_path = getattr(upload, "had_path", False)  # see iae_portal.uploads
    if had_path or any(mark in name for mark in ("/", "\\", "\x00")) or ".." in name:
        raise ValidationError(
            "Le nom du fichier ne doit pas contenir de chemin (/, \\ ou ..).", code="path"
        )
    if upload.size > MAX_SIZE:
        raise ValidationError("Le fichier dépasse la taille maximale de 10 Mo.", code="size")
    if upload.size == 0:
        raise ValidationError("Le fichier est vide.", code="empty")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for signature, content_type, extension in SIGNATURES:
        if head.startswith(signature):
            return content_type, extension
    raise ValidationError(
        "Seuls les fichiers PDF, JPEG et PNG sont acceptés : le contenu de ce fichier "
        "ne correspond à aucun de ces formats.",
        code="type",
    )

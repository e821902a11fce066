"""Dossiers taken through the real services up to a state, for tests of other pages."""

from tests.aides.factories import CA_DATA, move, pdf_upload


def dossier_at(state, *, structure, director, campaign, instructeur=None, title="Projet"):
    """A dossier of ``structure`` taken through the services up to ``state`` (brouillon,
    depose, en_instruction, complement_demande or instruit)."""
    from aides import services

    dossier = services.dossier_create(
        actor=director, structure=structure, campaign=campaign, title=title
    )
    if state == "brouillon":
        return dossier
    services.dossier_save_data(
        actor=director, dossier=dossier, expected_version=dossier.version, data=CA_DATA
    )
    for kind in campaign.scheme.required_documents:
        services.document_add(
            actor=director, dossier=dossier, kind=kind, upload=pdf_upload(f"{kind}.pdf")
        )
    dossier.refresh_from_db()
    move(dossier, director, "submit")
    path = {
        "depose": [],
        "en_instruction": [("start_instruction", {})],
        "complement_demande": [("request_documents", {"comment": "Le budget manque."})],
        "instruit": [("start_instruction", {}), ("instruct", {"opinion": "favorable"})],
    }[state]
    for name, payload in path:
        dossier.refresh_from_db()
        move(dossier, instructeur, name, **payload)
    dossier.refresh_from_db()
    return dossier

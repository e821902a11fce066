"""Dossiers taken through the real services up to a state, for tests of other pages."""

from tests.aides.factories import CA_DATA, move, pdf_upload


def complete_draft(*, director, structure, campaign, title="", data=CA_DATA, requested_amount=None):
    """A draft of ``structure`` created by ``director``, its ``data`` saved (the computed
    amount requested unless ``requested_amount``) and every required document attached:
    ready to be submitted."""
    from aides import services

    dossier = services.dossier_create(
        actor=director, structure=structure, campaign=campaign, title=title
    )
    services.dossier_save_data(
        actor=director,
        dossier=dossier,
        expected_version=dossier.version,
        data=data,
        requested_amount=requested_amount,
    )
    for kind in campaign.scheme.required_documents:
        services.document_add(
            actor=director, dossier=dossier, kind=kind, upload=pdf_upload(f"{kind}.pdf")
        )
    return dossier


def submitted_dossier(*, director, **draft):
    """A ``complete_draft`` (the same arguments: structure, campaign, title, data,
    requested_amount) submitted by ``director``: « déposé »."""
    return move(complete_draft(director=director, **draft), director, "submit")


def dossier_at(state, *, structure, director, campaign, instructeur=None, title="Projet"):
    """A dossier of ``structure`` taken through the services up to ``state`` (brouillon,
    depose, en_instruction, complement_demande or instruit)."""
    from aides import services

    if state == "brouillon":
        return services.dossier_create(
            actor=director, structure=structure, campaign=campaign, title=title
        )
    dossier = submitted_dossier(
        director=director, structure=structure, campaign=campaign, title=title
    )
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

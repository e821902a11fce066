"""What the journal says of the API clients' entries (``iae_portal.audit.labels``)."""

from iae_portal.audit.labels import register

register(
    actions={
        "api_client.create": "Création d'un accès à l'API",
        "api_client.revoke": "Révocation d'un accès à l'API",
    },
    model="api.apiclient",
    fields={"restriction": "Restriction"},
)

"""How the OpenAPI schema describes the API's authentications."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class BearerScheme(OpenApiAuthenticationExtension):
    target_class = "iae_portal.api.authentication.BearerTokenAuthentication"
    name = "jeton"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "Jeton d'un client de l'API, créé par "
            "`python manage.py api_token create` (affiché une seule fois).",
        }


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "iae_portal.api.authentication.SessionAuthentication"
    name = "session"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": "sessionid",
            "description": "Session du portail (écritures avec le jeton CSRF).",
        }


ERROR_SCHEMA = {
    "type": "object",
    "description": "Toute réponse d'erreur (400, 401, 403, 404, 405, 409, 429…).",
    "required": ["errors"],
    "properties": {
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "code", "message"],
                "properties": {
                    "field": {
                        "type": "string",
                        "nullable": True,
                        "description": "Chemin du champ en cause (`positions[0].etp`), "
                        "ou null pour la requête entière.",
                    },
                    "code": {"type": "string", "description": "Code stable de l'erreur."},
                    "message": {"type": "string", "description": "Message en français."},
                },
            },
        }
    },
}
ERRORS = {
    "400": "Requête invalide : chaque erreur nomme son champ.",
    "401": "Jeton absent, invalide ou révoqué (`WWW-Authenticate: Bearer`).",
    "403": "Action que la portée du client ne permet pas.",
    "404": "Objet introuvable ou hors du périmètre du client.",
    "405": "Méthode non permise.",
    "406": "Format de réponse non disponible.",
    "409": "Conflit avec l'état de l'objet (dossier modifié entre-temps, clé d'idempotence…).",
    "415": "Type de contenu non pris en charge.",
    "429": "Trop de requêtes : réessayer après `Retry-After` secondes.",
}
ETAG_HEADER = {"ETag": {"schema": {"type": "string"}, "description": "Version de l'objet."}}


def add_error_responses(result, generator, request, public):
    """Every operation may answer with the error shape; details carry their ETag."""
    result.setdefault("components", {}).setdefault("schemas", {})["Errors"] = ERROR_SCHEMA
    reference = {"$ref": "#/components/schemas/Errors"}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for status, description in ERRORS.items():
                responses.setdefault(
                    status,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": reference}},
                    },
                )
            status_ok = responses.get("200")
            if status_ok and method == "get" and path.endswith("}/"):
                status_ok.setdefault("headers", {}).update(ETAG_HEADER)
                responses.setdefault(
                    "304", {"description": "Inchangé depuis l'ETag envoyé (If-None-Match)."}
                )
    return result

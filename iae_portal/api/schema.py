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

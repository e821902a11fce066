"""Bearer tokens of API clients, and the browser session of a logged-in user (with CSRF)."""

from rest_framework import authentication, exceptions

from .services import client_for_token, record_use


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer <token>``: ``request.user`` is the client's service account,
    ``request.auth`` the ``ApiClient`` (its scope and restriction)."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("En-tête Authorization mal formé.")
        try:
            token = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("Jeton invalide.") from None
        client = client_for_token(token)
        if client is None:
            raise exceptions.AuthenticationFailed("Jeton invalide ou révoqué.")
        record_use(client)
        return client.user, client

    def authenticate_header(self, request):
        return self.keyword


class SessionAuthentication(authentication.SessionAuthentication):
    """The logged-in user of the portal; writes need the CSRF token as in the pages."""

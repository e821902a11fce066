"""The login form: Django's, with French messages that read right for an e-mail login."""

from django.contrib.auth.forms import AuthenticationForm


class LoginForm(AuthenticationForm):
    # Django's own message is built from the field's name ("Saisissez un adresse e-mail…").
    error_messages = {
        "invalid_login": (
            "L'adresse e-mail ou le mot de passe est incorrect. Vérifiez-les : les majuscules "
            "comptent dans le mot de passe."
        ),
        "inactive": "Ce compte est désactivé : adressez-vous à l'administrateur du portail.",
    }

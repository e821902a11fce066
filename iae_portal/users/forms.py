"""The login and password reset forms: Django's, with French messages that read right for
an e-mail login, and accounts found by their address as the portal compares addresses."""

from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm

from .models import User


class LoginForm(AuthenticationForm):
    # Django's own message is built from the field's name ("Saisissez un adresse e-mail…").
    error_messages = {
        "invalid_login": (
            "L'adresse e-mail ou le mot de passe est incorrect. Vérifiez-les : les majuscules "
            "comptent dans le mot de passe."
        ),
        "inactive": "Ce compte est désactivé : adressez-vous à l'administrateur du portail.",
    }


class PasswordResetForm(auth_forms.PasswordResetForm):
    def get_users(self, email):
        """The active accounts with a usable password whose address compares equal to
        ``email`` (``User.objects.with_email``); each mail goes to the address the account
        stores, never to the one typed."""
        return (
            user
            for user in User.objects.with_email(email)
            if user.is_active and user.has_usable_password()
        )

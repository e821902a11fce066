import uuid

from django.core.management.base import BaseCommand, CommandError

from iae_portal.api import scope_kinds
from iae_portal.api.models import ApiClient, ApiScope
from iae_portal.api.services import api_client_create, api_client_revoke


class Command(BaseCommand):
    help = (
        "Clients de l'API : « create » crée un client et affiche son jeton une seule fois "
        "(dernière ligne), « list » les liste, « revoke » révoque un client."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="crée un client et affiche son jeton")
        create.add_argument("--name", required=True, help="nom du client (outil partenaire)")
        create.add_argument("--scope", required=True, choices=ApiScope.values)
        restriction = create.add_mutually_exclusive_group()
        for kind in scope_kinds.kinds():  # registered by the apps (--department, --dla…)
            restriction.add_argument(kind.option, metavar=kind.metavar, help=kind.help)
        actions.add_parser("list", help="liste les clients")
        revoke = actions.add_parser("revoke", help="révoque un client")
        revoke.add_argument("client", help="nom ou UUID du client")
        revoke.add_argument("--reason", default="", help="motif")

    def handle(self, *args, action, **options):
        getattr(self, f"_{action}")(**options)

    def _create(self, *, name, scope, **options):
        name = name.strip()
        if not name:
            raise CommandError("--name : le nom est obligatoire.")
        if ApiClient.objects.filter(name=name, revoked_at__isnull=True).exists():
            raise CommandError(f"--name : un client actif s'appelle déjà « {name} ».")
        restriction = {}
        for kind in scope_kinds.kinds():
            value = options.get(kind.name)
            if value:
                restriction[kind.name] = self._find(kind, value)
        client, token = api_client_create(actor=None, name=name, scope=scope, **restriction)
        self.stdout.write(
            f"Client « {client.name} » créé ({client.get_scope_display().lower()}, "
            f"périmètre : {client.restriction_label}). Son jeton, affiché une seule fois :"
        )
        self.stdout.write(token)

    def _find(self, kind, value):
        found = kind.find(value)
        if found is None:
            raise CommandError(f"{kind.option} : {value} introuvable.")
        return found

    def _list(self, **options):
        clients = ApiClient.objects.select_related(
            "department", "structure", "dla", "facilitator"
        ).order_by("name", "created_at")
        for client in clients:
            state = f"révoqué le {client.revoked_at:%d/%m/%Y}" if client.revoked_at else "actif"
            used = f"{client.last_used_at:%d/%m/%Y %H:%M}" if client.last_used_at else "jamais"
            self.stdout.write(
                f"{client.uuid}  {client.name}  {client.scope}  {client.restriction_label}  "
                f"{client.token_prefix}…  {state}  dernière utilisation : {used}"
            )

    def _revoke(self, *, client, reason, **options):
        found = ApiClient.objects.filter(name=client, revoked_at__isnull=True)
        if not found.exists():
            try:
                found = ApiClient.objects.filter(uuid=uuid.UUID(client))
            except ValueError:  # neither a live client's name nor a UUID
                found = ApiClient.objects.none()
        if not found.exists():
            raise CommandError(f"Aucun client actif « {client} ».")
        revoked = api_client_revoke(actor=None, client=found.get(), reason=reason)
        self.stdout.write(f"Client « {revoked.name} » révoqué.")

import unicodedata

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone

from . import roles
from .emails import comparable_email
from .roles import Role


class UserManager(BaseUserManager):
    use_in_migrations = True

    @classmethod
    def stored_email(cls, email):
        """How an account stores its address: trimmed, normalised (NFKC), lower case. (Not
        case-folded: ``ß`` stays, the address must still reach its mailbox.)"""
        return cls.normalize_email(unicodedata.normalize("NFKC", (email or "").strip())).lower()

    def with_email(self, address):
        """The accounts whose address compares equal to ``address``
        (``emails.comparable_email``): the database narrows by a case-insensitive match of
        the address as typed and of its folded form, Python decides. An address stored
        with a letter whose folding is not its lower case (``ß``) is found when typed
        with that letter."""
        key = comparable_email(address)
        if not key:
            return []
        typed = unicodedata.normalize("NFKC", address.strip())
        candidates = self.filter(Q(email__iexact=typed) | Q(email__iexact=key))
        return [user for user in candidates if comparable_email(user.email) == key]

    def get_by_natural_key(self, email):
        """The account of ``email`` for the login: its exact address, else the one account
        whose address compares equal (``Marie.Dupont@Example.org`` logs in as
        ``marie.dupont@example.org``); none when two would."""
        try:
            return self.get(email=email)
        except self.model.DoesNotExist:
            found = self.with_email(email)
            if len(found) == 1:
                return found[0]
            raise

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("L'adresse e-mail est obligatoire.")
        user = self.model(email=self.stored_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_member(self, email, password, **extra_fields):
        """The account of a person who joins a structure (an accepted invitation): the
        role that acts for one's structures, nothing of the council's."""
        extra_fields.update(role=Role.SIAE, is_staff=False, is_superuser=False, region=None)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.update(is_staff=True, is_superuser=True, role=Role.ADMIN)
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in with their e-mail address.

    ``role`` says what they do; what they may see then depends on their memberships
    (structures, DLA, clause lots) and, for regional staff, on their region.
    """

    email = models.EmailField("adresse e-mail", unique=True)
    first_name = models.CharField("prénom", max_length=150, blank=True)
    last_name = models.CharField("nom", max_length=150, blank=True)
    role = models.CharField("rôle", max_length=20, choices=roles.role_choices, default=Role.SIAE)
    region = models.ForeignKey(
        "structures.Region",
        verbose_name="région",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Pour le personnel régional : la région dont il voit les structures "
        "(vide : toutes les régions).",
    )
    organisation = models.CharField("organisme", max_length=200, blank=True)
    is_active = models.BooleanField("actif", default=True)
    is_staff = models.BooleanField("accès à l'administration", default=False)
    date_joined = models.DateTimeField("inscrit le", default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = "utilisateur"
        verbose_name_plural = "utilisateurs"
        ordering = ["last_name", "first_name", "email"]

    def __str__(self):
        return self.get_full_name() or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.stored_email(self.email)

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self):
        return self.first_name or self.email

    def can(self, capability):
        """Whether this person's role (or superuser status) grants ``capability``
        (``iae_portal.users.roles``); never for an inactive account."""
        return roles.can(self, capability)

    @property
    def is_admin(self):
        return self.can(roles.ADMIN)

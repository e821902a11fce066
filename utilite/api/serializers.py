"""Social utility reports as the API gives and takes them (docs/api.md, « Utilité sociale »).

Read: the report's structure (SIRET, uuid, kind, département), year, status, its typed
indicators by their contract codes (``indicators``), the computed shares (``shares``,
numbers rounded half-up to 3 decimals, ``null`` when the denominator is 0) and its grid
(``grid``: ``null`` without one). Write: the same ``indicators`` and ``grid``; the values'
JSON types are checked here, every rule of the contract by ``utilite.computations`` (through
``services.report_write``), each refusal naming its field (``indicators.exits_total``,
``grid.scores.prospective_1``)."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail

from ..bilan import number
from ..enums import ReportStatus
from ..indicators import (
    AXES,
    AXES_BY_CODE,
    BOOL,
    BY_CODE,
    COMMENT_MAX_LENGTH,
    COMPUTED,
    COMPUTED_BY_CODE,
    CRITERIA_BY_CODE,
    CRITERION_CODES,
    INDICATORS,
    MAX_FIGURE,
    SCALE,
    SCALE_MAX,
    SCORE_MAX,
)

# -- OpenAPI descriptions --------------------------------------------------------------------


def _indicator_schema(indicator):
    if indicator.kind == BOOL:
        schema = {"type": "boolean"}
    elif indicator.kind == SCALE:
        schema = {"type": "integer", "minimum": 0, "maximum": SCALE_MAX}
    else:
        schema = {"type": "integer", "minimum": 0, "maximum": MAX_FIGURE}
    return {**schema, "description": f"{indicator.label} ({indicator.kind})."}


INDICATORS_SCHEMA = {
    "type": "object",
    "description": "Les indicateurs saisis, par leur code du contrat (tous obligatoires à "
    "l'écriture ; 0 si aucun). Pour un brouillon, une valeur manquante vaut null.",
    "properties": {i.code: {**_indicator_schema(i), "nullable": True} for i in INDICATORS},
    "additionalProperties": False,
}
INDICATORS_WRITE_SCHEMA = {
    **INDICATORS_SCHEMA,
    "properties": {i.code: _indicator_schema(i) for i in INDICATORS},
    "required": [i.code for i in INDICATORS],
}
SHARES_SCHEMA = {
    "type": "object",
    "description": "Les parts calculées (jamais saisies), de 0 à 1 arrondies au millième ; "
    "null quand le dénominateur est nul.",
    "properties": {
        share.code: {
            "type": "number",
            "minimum": 0,
            "maximum": 1,
            "nullable": True,
            "description": share.label,
        }
        for share in COMPUTED
    },
}
SCORES = {
    "type": "object",
    "description": "Note de chaque critère de la grille, de 0 (pas engagé) à 3 (pleinement "
    "engagé) : tous les critères, ou aucune grille.",
    "properties": {
        code: {"type": "integer", "minimum": 0, "maximum": SCORE_MAX} for code in CRITERION_CODES
    },
    "additionalProperties": False,
}
COMMENTS = {
    "type": "object",
    "description": f"Commentaire ou preuve par critère ({COMMENT_MAX_LENGTH} caractères au "
    "plus) ; ils ne nomment personne.",
    "properties": {
        code: {"type": "string", "maxLength": COMMENT_MAX_LENGTH} for code in CRITERION_CODES
    },
    "additionalProperties": False,
}
PRIORITY_AXES = {
    "type": "array",
    "items": {"type": "string", "enum": list(AXES_BY_CODE)},
    "description": "Axes prioritaires, dans l'ordre de la grille.",
}
GRID_WRITE_SCHEMA = {
    "type": "object",
    "nullable": True,
    "description": "La grille d'auto-évaluation DTS (facultative, complète quand elle est "
    "donnée) ; null ou absente : pas de grille.",
    "required": ["participants", "scores"],
    "properties": {
        "participants": {
            "type": "integer",
            "minimum": 1,
            "description": "Personnes ayant rempli la grille (3 ou plus recommandées).",
        },
        "priority_axes": PRIORITY_AXES,
        "scores": SCORES,
        "comments": COMMENTS,
    },
}
GRID_SCHEMA = {
    **GRID_WRITE_SCHEMA,
    "required": ["participants", "priority_axes", "scores", "comments", "axes"],
    "properties": {
        **GRID_WRITE_SCHEMA["properties"],
        "axes": {
            "type": "array",
            "description": "Score de chaque axe (moyenne de ses critères, arrondie au "
            "dixième), dans l'ordre du radar.",
            "items": {
                "type": "object",
                "properties": {
                    "code": {"type": "string", "enum": list(AXES_BY_CODE)},
                    "label": {"type": "string"},
                    "score": {"type": "number", "minimum": 0, "maximum": SCORE_MAX},
                    "priority": {"type": "boolean"},
                },
            },
        },
    },
}


# -- Read ------------------------------------------------------------------------------------


@extend_schema_field(INDICATORS_SCHEMA)
class IndicatorsField(serializers.DictField):
    pass


@extend_schema_field(SHARES_SCHEMA)
class SharesField(serializers.DictField):
    pass


@extend_schema_field(GRID_SCHEMA)
class GridField(serializers.DictField):
    pass


def _instant(value, tz):
    return None if value is None else value.astimezone(tz).isoformat()


def grid_of(report):
    """A complete grid as the API gives it, ``None`` without one (or with a draft's partial
    grid: what is scored is in ``scores``, ``axes`` is empty)."""
    if not report.grid_scores and report.grid_participants is None:
        return None
    scores = report.axis_scores()
    priority = set(report.priority_axes or ())
    return {
        "participants": report.grid_participants,
        "priority_axes": list(report.priority_axes or ()),
        "scores": {c: report.grid_scores[c] for c in CRITERION_CODES if c in report.grid_scores},
        "comments": {
            c: report.grid_comments[c] for c in CRITERION_CODES if c in report.grid_comments
        },
        "axes": [
            {
                "code": axis.code,
                "label": axis.label,
                "score": number(scores[axis.code]),
                "priority": axis.code in priority,
            }
            for axis in AXES
            if axis.code in scores
        ],
    }


class SocialReportSerializer(serializers.Serializer):
    uuid = serializers.UUIDField(read_only=True)
    structure = serializers.CharField(read_only=True, help_text="SIRET de la structure.")
    structure_uuid = serializers.UUIDField(read_only=True, help_text="uuid de la structure.")
    structure_name = serializers.CharField(read_only=True)
    kind = serializers.CharField(read_only=True, help_text="Type de la structure (ACI, AI…).")
    department = serializers.CharField(
        read_only=True, help_text="Département de la structure (code INSEE)."
    )
    year = serializers.IntegerField(read_only=True)
    status = serializers.ChoiceField(choices=ReportStatus.choices, read_only=True)
    status_label = serializers.CharField(read_only=True)
    indicators = IndicatorsField(read_only=True)
    shares = SharesField(read_only=True)
    grid = GridField(read_only=True, allow_null=True)
    staff_comment = serializers.CharField(
        read_only=True,
        help_text="Ce que le service de la Région a demandé de corriger (bilan renvoyé).",
    )
    submitted_at = serializers.DateTimeField(read_only=True, allow_null=True)
    validated_at = serializers.DateTimeField(read_only=True, allow_null=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    def to_representation(self, report):
        """Written out by hand (a page holds up to 1,000 reports): the declared fields."""
        tz = timezone.get_current_timezone()
        structure = report.structure
        figures = report.figures()
        return {
            "uuid": str(report.uuid),
            "structure": structure.siret,
            "structure_uuid": str(structure.uuid),
            "structure_name": structure.name,
            "kind": structure.kind,
            "department": structure.department_id,
            "year": report.year,
            "status": report.status,
            "status_label": report.get_status_display(),
            "indicators": figures,
            "shares": {code: number(value) for code, value in report.computed_shares().items()},
            "grid": grid_of(report),
            "staff_comment": report.staff_comment,
            "submitted_at": _instant(report.submitted_at, tz),
            "validated_at": _instant(report.validated_at, tz),
            "created_at": _instant(report.created_at, tz),
            "updated_at": _instant(report.updated_at, tz),
        }


# -- Write -----------------------------------------------------------------------------------


def _error(path, message, code="invalid"):
    return serializers.ValidationError({path: [ErrorDetail(message, code=code)]})


def _is_number(value):
    return isinstance(value, int | float) and not isinstance(value, bool)


@extend_schema_field(INDICATORS_WRITE_SCHEMA)
class IndicatorsWriteField(serializers.Field):
    """``{code: value}``: JSON numbers for counts, hours, euros and scales, ``true`` or
    ``false`` for a yes-or-no; their rules are ``computations``' (the service's)."""

    default_error_messages = {"not_a_dict": "Un objet {{code: valeur}} est attendu."}

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            self.fail("not_a_dict")
        errors = {}
        for code, value in data.items():
            if code in COMPUTED_BY_CODE:
                errors[code] = [
                    ErrorDetail(
                        f"« {code} » est calculé par le portail à partir des nombres du bilan : "
                        "retirez-le.",
                        code="computed",
                    )
                ]
            elif code not in BY_CODE:
                errors[code] = [ErrorDetail(f"Indicateur inconnu : « {code} ».", code="unknown")]
            elif value is None:
                continue  # missing: the service says it is required
            elif BY_CODE[code].kind == BOOL and not isinstance(value, bool):
                errors[code] = [
                    ErrorDetail(
                        f"« {BY_CODE[code].label} » : true ou false attendu.", code="invalid"
                    )
                ]
            elif BY_CODE[code].kind != BOOL and not _is_number(value):
                errors[code] = [
                    ErrorDetail(
                        f"« {BY_CODE[code].label} » : un nombre entier est attendu.",
                        code="invalid",
                    )
                ]
        if errors:
            raise serializers.ValidationError(errors)
        return data


@extend_schema_field(GRID_WRITE_SCHEMA)
class GridWriteField(serializers.Field):
    """``{participants, priority_axes, scores, comments}`` or ``null``; complete or refused
    (the service's rules)."""

    KEYS = ("participants", "priority_axes", "scores", "comments")
    default_error_messages = {
        "not_a_dict": "Un objet {{participants, priority_axes, scores, comments}} ou null est "
        "attendu."
    }

    def __init__(self, **kwargs):
        super().__init__(allow_null=True, **kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            self.fail("not_a_dict")
        errors = {}
        for key in data:
            if key not in (*self.KEYS, "axes"):  # axes: computed, ignored as on reading
                errors[key] = [ErrorDetail(f"Clé inconnue : « {key} ».", code="unknown")]
        participants = data.get("participants")
        if participants is not None and not _is_number(participants):
            errors["participants"] = [
                ErrorDetail("Un nombre entier de personnes est attendu.", code="invalid")
            ]
        axes = data.get("priority_axes") or []
        if not isinstance(axes, list) or not all(isinstance(a, str) for a in axes):
            errors["priority_axes"] = [
                ErrorDetail("Une liste de codes d'axes est attendue.", code="invalid")
            ]
        scores = data.get("scores") or {}
        if not isinstance(scores, dict):
            errors["scores"] = [ErrorDetail("Un objet {critère: note} est attendu.", "invalid")]
        else:
            for code, value in scores.items():
                if value is not None and not _is_number(value):
                    errors[f"scores.{code}"] = [
                        ErrorDetail("Une note entière de 0 à 3 est attendue.", code="invalid")
                    ]
        comments = data.get("comments") or {}
        if not isinstance(comments, dict):
            errors["comments"] = [
                ErrorDetail("Un objet {critère: commentaire} est attendu.", "invalid")
            ]
        else:
            for code, text in comments.items():
                path = f"comments.{code}"
                if code not in CRITERIA_BY_CODE:
                    errors[path] = [
                        ErrorDetail(f"Critère inconnu de la grille : « {code} ».", "unknown")
                    ]
                elif text is not None and not isinstance(text, str):
                    errors[path] = [ErrorDetail("Un texte est attendu.", code="invalid")]
                elif text and len(text) > COMMENT_MAX_LENGTH:
                    errors[path] = [
                        ErrorDetail(
                            f"Commentaire trop long : {len(text)} caractères, "
                            f"{COMMENT_MAX_LENGTH} au plus.",
                            code="max_length",
                        )
                    ]
        if errors:
            raise serializers.ValidationError(errors)
        return {
            "participants": participants,
            "priority_axes": axes,
            "scores": scores,
            "comments": {code: text for code, text in comments.items() if text},
        }


class SocialReportWriteSerializer(serializers.Serializer):
    """What a networks' tool writes: a structure's report of a year, stored ``soumis``."""

    structure = serializers.CharField(
        max_length=20,
        required=False,
        help_text="SIRET de la structure (à la création ; ensuite, s'il est donné, celui "
        "du bilan).",
    )
    year = serializers.IntegerField(
        min_value=1,
        max_value=9999,
        required=False,
        help_text="Année du bilan, terminée (à la création ; ensuite, si elle est donnée, "
        "celle du bilan).",
    )
    indicators = IndicatorsWriteField(
        help_text="Tous les indicateurs saisis (PATCH : ceux qui changent)."
    )
    grid = GridWriteField(
        required=False,
        help_text="La grille, entière ; null ou absente : pas de grille (PATCH : absente, "
        "inchangée).",
    )
    external_id = serializers.CharField(
        required=False,
        max_length=255,
        write_only=True,
        help_text="Identifiant du bilan dans votre outil, unique pour votre client : un "
        "second POST avec le même external_id met à jour au lieu de créer.",
    )

    def validate(self, attrs):
        if self.instance is None:
            for name in ("structure", "year"):
                if attrs.get(name) in (None, ""):
                    raise _error(name, "Ce champ est obligatoire.", code="required")
        else:
            siret = attrs.get("structure")
            if siret not in (None, "") and siret.replace(" ", "") != self.instance.structure.siret:
                raise _error("structure", "Un bilan ne change pas de structure.", code="immutable")
            if attrs.get("year") not in (None, self.instance.year):
                raise _error("year", "Un bilan ne change pas d'année.", code="immutable")
        return attrs

    def service_values(self):
        """``(figures, grid)`` for ``services.report_write``: a PATCH keeps what it does not
        give (the other figures, the grid when absent)."""
        data, report = self.validated_data, self.instance
        figures = dict(data.get("indicators") or {})
        if self.partial and report is not None:
            figures = {**report.figures(), **figures}
        if "grid" in data:
            grid = data["grid"]
        elif self.partial and report is not None:
            grid = {
                "participants": report.grid_participants,
                "priority_axes": report.priority_axes,
                "scores": report.grid_scores,
                "comments": report.grid_comments,
            }
        else:
            grid = None
        if grid is None:
            return figures, (None, None, None, None)
        return figures, (
            grid["participants"],
            grid["priority_axes"],
            grid["scores"],
            grid["comments"],
        )

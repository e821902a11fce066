"""The structures' resources of ``/api/v1/`` (``iae_portal.api.routes``), registered by
``StructuresConfig.ready()``."""

from iae_portal.api import routes


def register():
    routes.register_viewset(
        "structures", "structures.api.views.StructureViewSet", basename="structure", order=10
    )
    routes.register_viewset(
        "structure-activities",
        "structures.api.views.StructureActivityViewSet",
        basename="structure-activity",
        order=11,
    )

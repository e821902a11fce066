from django.conf import settings


def portal(request):
    return {"PORTAL_COUNCIL_NAME": settings.PORTAL_COUNCIL_NAME}

from .models import Notification


def notifications(request):
    """The unread notifications count of the navigation: a callable, so that the query runs
    only on pages that show it (once, under ``{% with %}``)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "unread_notifications": lambda: Notification.objects.filter(
            user=user, read_at__isnull=True
        ).count()
    }

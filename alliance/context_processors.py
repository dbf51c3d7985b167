"""Values every page's template needs."""

from alliance.notifications import unread_count


def notifications(request) -> dict:
    """The unread count shown beside the inbox link: one query, and none for anonymous visitors."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": unread_count(user)}

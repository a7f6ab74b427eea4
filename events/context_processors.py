from .access import navigation_role


def navigation(request):
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {"nav_role": navigation_role(user)}

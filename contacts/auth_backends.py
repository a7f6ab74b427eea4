from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check for sign-ins made through a web request.

    Every sign-in form (ours and the admin's) passes the request, so every web
    sign-in is throttled. ``authenticate()`` calls without a request (the test
    client's ``login()``, management commands) have no client address to
    throttle; axes would refuse them with an error, here they go straight to
    the password check.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)

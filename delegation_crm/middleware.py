"""What every response carries and what every request must be before a view sees it."""

from django.http import HttpResponseBadRequest
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control

# Nothing here asks for these; a page that needs one (the badge scan will want the
# camera) sets its own Permissions-Policy header and keeps it.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), display-capture=()"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
UTF8_NAMES = {"utf-8", "utf8"}
NO_SUCH_CHARACTER = "The address contains a character no page uses."


def refusal(request) -> str | None:
    """Why no page could read this request, or None. Checked before the session,
    the CSRF check or a view touch it, so a refusal reads nothing and writes nothing."""
    if "\x00" in request.path_info:
        return NO_SUCH_CHARACTER
    for key, values in request.GET.lists():
        if "\x00" in key or any("\x00" in value for value in values):
            return NO_SUCH_CHARACTER
    if request.method in ("POST", "PUT", "PATCH") and request.content_type in FORM_TYPES:
        charset = request.content_params.get("charset")
        if charset and charset.strip().lower() not in UTF8_NAMES:
            return "Forms must be sent as UTF-8."
    return None


class RequestGuardMiddleware:
    """Refuses requests no page can read with a clear 400 (a NUL in the address, a
    form in another charset), and gives every response the headers a shared stand
    laptop needs: signed-in pages are never stored by the browser or a proxy, and
    the browser's devices stay off. (Django sends no Server header; gunicorn's says
    "gunicorn" without a version.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        problem = refusal(request)
        if problem:
            response = HttpResponseBadRequest(render_to_string("400.html", {"problem": problem}))
        else:
            response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response

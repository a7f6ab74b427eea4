"""The admin's history pages for every tracked model, refusing ids that are not ids."""

from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin


def _valid_id(field, value) -> bool:
    try:
        field.to_python(unquote(value))
    except (ValidationError, ValueError, TypeError, OverflowError):
        return False
    return True


class HistoryAdmin(SimpleHistoryAdmin):
    """django-simple-history's admin, answering "not found" for an address whose
    record or version id is not one (``1.0``, ``1e3``, ``²``) instead of an error."""

    def history_view(self, request, object_id, extra_context=None):
        if not _valid_id(self.model._meta.pk, object_id):
            raise Http404("No such record.")
        return super().history_view(request, object_id, extra_context=extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        history_pk = getattr(self.model, self.model._meta.simple_history_manager_attribute).model._meta.pk
        if not (_valid_id(self.model._meta.pk, object_id) and _valid_id(history_pk, version_id)):
            raise Http404("No such version.")
        return super().history_form_view(request, object_id, version_id, extra_context=extra_context)

"""The API's exception handler (settings.REST_FRAMEWORK["EXCEPTION_HANDLER"]).

The model layer's errors get the status a script can act on: ValidationError
(and QuoteNotFound) 400 with the same message the UI shows, a stale version
409, deleting something still referred to 409. This module is loaded only when
DRF first handles an exception; api.base, which DRF's settings load while
rest_framework.views is imported, must not import it.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError, RestrictedError
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler

from api.base import Conflict, error_messages
from claims.models import AnnotationConflict, VersionConflict
from sources.models import QuoteNotFound


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(error_messages(exc))
    elif isinstance(exc, QuoteNotFound):
        exc = exceptions.ValidationError({"quote": [str(exc)]})
    elif isinstance(exc, VersionConflict | AnnotationConflict):
        exc = Conflict(f"{exc} Read it again, then send your change with the new version.")
    elif isinstance(exc, ProtectedError | RestrictedError):
        blocking = getattr(exc, "protected_objects", None) or exc.restricted_objects
        used = sorted({str(obj._meta.verbose_name_plural) for obj in blocking})
        exc = Conflict(f"Still in use by {', '.join(used)}: nothing was deleted.")
    return drf_exception_handler(exc, context)

"""A friendly 503 page while the database is unreachable.

When PostgreSQL restarts or the network to it drops, every query raises
OperationalError (or InterfaceError on a connection that died). Instead of a
500, people get templates/503.html with status 503 and Retry-After, and the
request's broken connection is closed, so service recovers on its own once the
database is back (Django reconnects on the next request).

The page is rendered without the request: its context processors would ask the
database for the signed-in user again.

Not every database error is an outage. A write that lost to a simultaneous one
(a deadlock or serialization failure that survived its retry, TryAgain; or an
IntegrityError from a unique constraint, see lib.concurrency) gets a 409
"try again" page (templates/409.html), JSON {"detail": ...} under /api/: the
database is fine, and nothing was saved.
"""

import logging
import sys

from django.db import IntegrityError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.views.defaults import server_error as default_server_error

from api.base import error_response, is_api_request
from lib.concurrency import CONFLICT_MESSAGE, TryAgain, is_transient
from lib.outage import DATABASE_ERRORS, close_broken_connections

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30


def database_unavailable(request=None):
    """The 503 page (JSON under /api/) with Retry-After; broken connections are closed."""
    close_broken_connections()
    if request is not None and is_api_request(request):
        response = error_response(503)
    else:
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def write_conflict(request, exception):
    """The 409 for a write that lost to a simultaneous one; None for other errors."""
    if isinstance(exception, TryAgain) or is_transient(exception):
        message = str(TryAgain())
    elif isinstance(exception, IntegrityError):
        message = CONFLICT_MESSAGE
    else:
        return None
    logger.warning("Simultaneous write refused (409): %s", exception)
    if is_api_request(request):
        return error_response(409, message)
    return HttpResponse(render_to_string("409.html", {"message": message}), status=409)


class DatabaseUnavailableMiddleware:
    """Turn a database outage during a view into the 503 page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        conflict = write_conflict(request, exception)
        if conflict is not None:
            return conflict
        if isinstance(exception, DATABASE_ERRORS):
            logger.error("Database unavailable: %s", exception)
            return database_unavailable(request)
        return None


def server_error(request, *args, **kwargs):
    """handler500: the 503 page for a database error raised outside a view (e.g. while
    saving the session), Django's 500 page (templates/500.html) for anything else."""
    error = sys.exc_info()[1]
    conflict = write_conflict(request, error)
    if conflict is not None:
        return conflict
    if isinstance(error, DATABASE_ERRORS):
        return database_unavailable(request)
    return default_server_error(request, *args, **kwargs)


# Third-party HTML under /api/ draws itself with inline styles: Redoc (styled-components,
# and a search worker from a blob: URL), Swagger UI and DRF's browsable API. Those pages
# get style-src 'unsafe-inline' (and Redoc worker-src blob:); scripts stay 'self' only,
# and our own templates keep the strict policy (settings.CONTENT_SECURITY_POLICY).
API_HTML_CSP = {"style-src": ["'self'", "'unsafe-inline'"]}
REDOC_CSP = {**API_HTML_CSP, "worker-src": ["'self'", "blob:"]}


class ApiDocsStyleMiddleware:
    """Relax the CSP for the API's documentation and browsable HTML pages (after CSPMiddleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        is_html = response.get("Content-Type", "").startswith("text/html")
        if is_html and request.path.startswith("/api/"):
            match = request.resolver_match
            redoc = match is not None and match.url_name == "api-redoc"
            response._csp_update = REDOC_CSP if redoc else API_HTML_CSP
        return response


class RejectNulQueryMiddleware:
    """400 for a query string with a NUL character: PostgreSQL text cannot hold one, and no
    search or filter needs it (form fields refuse NULs in POSTs the same way)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            message = "The address contains a NUL character (%00); remove it and try again."
            if is_api_request(request):
                return error_response(400, message)
            return HttpResponse(render_to_string("400.html", {"message": message}), status=400)
        return self.get_response(request)

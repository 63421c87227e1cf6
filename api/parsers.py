"""The API's request parsers: JSON bounded in depth and free of NUL, forms free of NUL.

A body nested too deeply, or holding a NUL character in any key or value,
is a 400 with a message (ParseError) before any view or serializer sees it:
the same rule for every write of the API, lookups by name included (an
outlet's owner group, a claim's tags).
"""

from django.conf import settings
from rest_framework import parsers
from rest_framework.exceptions import ParseError

from lib import jsontext
from lib.text import find_nul


class BoundedJSONParser(parsers.JSONParser):
    """JSON parsed by lib.jsontext.loads: bounded nesting, no NUL."""

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = stream.read().decode(encoding) if stream is not None else ""
        except UnicodeDecodeError:
            raise ParseError(f"JSON parse error - the body is not valid {encoding}.") from None
        try:
            return jsontext.loads(text)
        except jsontext.JSONRefused as exc:
            raise ParseError(f"JSON parse error - {exc}") from None


def _refuse_nul_fields(data):
    location = find_nul({key: data.getlist(key) for key in data})
    if location is not None:
        raise ParseError(f"{location}: text cannot contain NUL characters.")


class FormParser(parsers.FormParser):
    """URL-encoded forms with no NUL in any field name or value."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        _refuse_nul_fields(data)
        return data


class MultiPartParser(parsers.MultiPartParser):
    """Multipart forms with no NUL in any field name or value (files are not text)."""

    def parse(self, stream, media_type=None, parser_context=None):
        result = super().parse(stream, media_type, parser_context)
        _refuse_nul_fields(result.data)
        return result

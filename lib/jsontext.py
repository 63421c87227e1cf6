"""JSON from people and files, read with bounds: nesting depth and NUL characters.

json.loads recurses once per level of nesting, so a body nested a thousand
deep raises RecursionError (and anything walking the result recursively would
too). loads() turns that, and any document nested deeper than
JSON_MAX_DEPTH, into JSONRefused with a message; with refuse_nul it also
refuses a NUL character in any key or value, naming where it is (PostgreSQL
cannot store one, so a NUL accepted on SQLite would make a backup that does
not restore on PostgreSQL). Used by the API's parser (api.parsers), the
annotation import and the backup import.
"""

import json

from lib.text import find_nul

# Deeper than any document of ours (a W3C annotation is 5 levels, a backup 4).
JSON_MAX_DEPTH = 64


class JSONRefused(ValueError):
    """The JSON text is not valid, is nested too deeply or holds a NUL; the message says which."""


def depth(data):
    """How deeply `data` (parsed JSON) nests: 0 for a scalar, 1 for a flat list or object."""
    deepest, stack = 0, [(data, 0)]
    while stack:
        value, level = stack.pop()
        if isinstance(value, dict):
            value = list(value.values())
        if isinstance(value, list):
            level += 1
            deepest = max(deepest, level)
            stack.extend((item, level) for item in value if isinstance(item, dict | list))
    return deepest


def check(data, *, max_depth=JSON_MAX_DEPTH, refuse_nul=True, where=""):
    """`data` itself, or JSONRefused if it nests deeper than `max_depth` or holds a NUL."""
    if depth(data) > max_depth:
        raise JSONRefused(f"The JSON is nested more than {max_depth} levels deep.")
    if refuse_nul:
        location = find_nul(data, where)
        if location is not None:
            raise JSONRefused(f"{location}: text cannot contain NUL characters (\\u0000).")
    return data


def _refuse_constant(name):
    raise JSONRefused(f"Not JSON: {name} is not a number JSON allows.")


def loads(text, *, max_depth=JSON_MAX_DEPTH, refuse_nul=True, where=""):
    """Parsed JSON from `text` (str or bytes), bounded as check() says; JSONRefused otherwise."""
    try:
        data = json.loads(text, parse_constant=_refuse_constant)
    except RecursionError:
        raise JSONRefused(f"The JSON is nested more than {max_depth} levels deep.") from None
    except json.JSONDecodeError as exc:
        raise JSONRefused(
            f"Not JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}."
        ) from None
    except UnicodeDecodeError:
        raise JSONRefused("Not JSON: the text is not UTF-8.") from None
    return check(data, max_depth=max_depth, refuse_nul=refuse_nul, where=where)

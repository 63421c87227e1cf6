"""Read settings from the environment, failing loudly on bad values.

Each helper takes the variable name and a development default. A value that is
present but malformed raises ImproperlyConfigured naming the variable, so a typo
in production stops the process at start-up instead of running half-configured.
"""

import os

from django.core.exceptions import ImproperlyConfigured

TRUE_VALUES = {"1", "true", "yes", "on"}
FALSE_VALUES = {"0", "false", "no", "off", ""}


def env_str(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE_VALUES:
        return True
    if value in FALSE_VALUES:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a boolean; use one of {sorted(TRUE_VALUES | FALSE_VALUES - {''})}"
    )


def env_int(name, default):
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer") from None


def env_list(name, default=()):
    """A comma-separated list; blank items are dropped."""
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_database(name, default):
    """Parse a database URL (postgres://… or sqlite:///…) into a DATABASES entry."""
    import dj_database_url

    raw = os.environ.get(name) or default
    try:
        config = dj_database_url.parse(raw)
    except Exception as exc:  # dj_database_url raises several types on bad input
        raise ImproperlyConfigured(f"{name}={raw!r} is not a valid database URL: {exc}") from None
    if not config.get("ENGINE"):
        raise ImproperlyConfigured(f"{name}={raw!r} names an unsupported database")
    if config["ENGINE"] not in (
        "django.db.backends.postgresql",
        "django.db.backends.sqlite3",
    ):
        raise ImproperlyConfigured(
            f"{name}={raw!r}: only PostgreSQL and SQLite are supported, not {config['ENGINE']}"
        )
    return config

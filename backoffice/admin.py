"""The admin site: each module registers the ModelAdmins of one area."""

from backoffice import accounts, claims, sources  # noqa: F401

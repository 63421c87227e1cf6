"""Database outages: which errors mean the database is unreachable, and a stream
that ends cleanly on one."""

import logging

import psycopg
from django.db import InterfaceError, OperationalError, connections

logger = logging.getLogger(__name__)

# The driver's own errors too: a server-side cursor closed on a dead connection
# raises them unwrapped.
DATABASE_ERRORS = (
    OperationalError,
    InterfaceError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
)


def close_broken_connections():
    """Close every open connection that is no longer usable: the next query reconnects."""
    for connection in connections.all(initialized_only=True):
        connection.close_if_unusable_or_obsolete()


def rows_until_database_error(rows):
    """Iterate `rows` (a queryset's iterator(), a server-side cursor on PostgreSQL)
    for a streamed response, whose status and first bytes are sent already.

    Nothing is read before the response asks for it. A database error while
    reading or while closing the cursor (the driver's own error when the
    connection died) ends the stream cleanly and is logged, and the broken
    connection is closed, so the next request reconnects.
    """
    iterator = iter(rows)
    try:
        yield from iterator
    except DATABASE_ERRORS as error:
        logger.error("Database error while streaming a response, stream ended: %s", error)
        close_broken_connections()

"""`database_sync_to_async` for the live board, with a database connection that stays open.

The project runs with ``CONN_MAX_AGE = 0``: Channels' `database_sync_to_async` closes the worker
thread's connection after every call, so each board operation paid for a new PostgreSQL connection
(≈ 25 ms of a ≈ 38 ms operation, measured on this machine; see bench/README.md). A live workshop
sends a stream of small operations through the same worker thread, so `board_db` keeps that
thread's PostgreSQL connection for up to `KEEP_SECONDS` while the process serves live workshop connections;
the last hub of the process closes it (`close_connections`). Unusable connections (after an error)
are closed before the next call, as Django does for persistent connections.
"""

import time

from asgiref.sync import SyncToAsync
from django.db import close_old_connections, connections

KEEP_SECONDS = 60.0


def _keep_open() -> None:
    for conn in connections.all(initialized_only=True):
        if (
            conn.connection is not None
            and getattr(conn, "_board_kept", None) is not conn.connection
        ):
            conn._board_kept = conn.connection
            conn.close_at = time.monotonic() + KEEP_SECONDS


class _BoardDB(SyncToAsync):
    def thread_handler(self, loop, *args, **kwargs):
        close_old_connections()  # unusable, or older than KEEP_SECONDS
        try:
            return super().thread_handler(loop, *args, **kwargs)
        finally:
            _keep_open()


def board_db(func):
    """Run `func` in the thread-sensitive worker thread, keeping its connection open."""
    return _BoardDB(func, thread_sensitive=True)


def _close_all() -> None:
    for conn in connections.all(initialized_only=True):
        conn.close()


close_connections = board_db(_close_all)

"""gunicorn's threaded worker, reading each request whole before a thread is given it.

A sync worker (and a gthread thread) reads a request as it arrives, so a client that sends its
headers or body a byte at a time holds it until the request is complete or the worker is killed:
four such clients took every sync worker for 30 s (security review 2026-12, §6f). nginx in front
(`make serve`) buffers requests; this worker does the same inside gunicorn, for `make run` and
any set-up without that proxy.

Each new connection (and each kept-alive one when its next request starts) stays in the worker's
event loop, which receives whatever bytes have arrived, without blocking, into a buffer. Only a
complete request (the head, and as much body as Content-Length says, or a chunked body's last
chunk) goes to a thread, which parses it from the buffer as gunicorn always does. A slow client
costs a buffer and a file descriptor, never a thread; one that has not sent its whole request
within ``GUNICORN_REQUEST_SECONDS`` (default 15) is disconnected. A body larger than
``BUFFER_LIMIT`` (more than Django accepts anyway) goes to a thread once that much has arrived, so
memory stays bounded; the application then refuses it (the comment form's "too long" page).

Everything else is gunicorn's ``gthread`` worker unchanged (gunicorn.conf.py: worker_class).
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import selectors
import time
from collections import deque
from functools import partial

from gunicorn.workers.gthread import TConn, ThreadWorker

#: Seconds a client has to send a whole request, from its first byte (or its connection).
REQUEST_SECONDS = float(os.environ.get("GUNICORN_REQUEST_SECONDS", "15"))
#: Bytes buffered before a request is handed over regardless: past Django's own 2.5 MB limit.
BUFFER_LIMIT = 3 * 1024 * 1024
_CONTENT_LENGTH = re.compile(rb"\r\ncontent-length[ \t]*:[ \t]*(\d+)[ \t]*\r\n", re.IGNORECASE)
_CHUNKED = re.compile(rb"\r\ntransfer-encoding[ \t]*:[^\r\n]*chunked", re.IGNORECASE)


def request_complete(data: bytes | bytearray) -> bool:
    """Whether ``data`` holds a whole request (or enough that gunicorn must judge it now)."""
    if len(data) >= BUFFER_LIMIT:
        return True
    end = data.find(b"\r\n\r\n")
    if end < 0:
        return False
    head, body = bytes(data[: end + 2]), data[end + 4 :]
    if _CHUNKED.search(head):
        return body.endswith(b"0\r\n\r\n") or b"\r\n0\r\n\r\n" in body or body.startswith(b"0\r\n")
    lengths = _CONTENT_LENGTH.findall(head)
    if len(lengths) != 1:
        return True  # no body, or a malformed head: gunicorn answers it at once
    return len(body) >= int(lengths[0])


class BufferingThreadWorker(ThreadWorker):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Connections whose request is still arriving, oldest first (all have the same allowance).
        self.buffering: deque[TConn] = deque()

    def accept(self, listener) -> None:
        if self.cfg.is_ssl:  # TLS in gunicorn itself: the handshake needs a thread; gthread as it is
            super().accept(listener)
            return
        try:
            client_sock, client_addr = listener.accept()
        except OSError as error:
            if error.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        self.nr_conns += 1
        self._buffer(TConn(self.cfg, client_sock, client_addr, listener.getsockname()))

    def on_client_socket_readable(self, conn: TConn, client) -> None:
        """A kept-alive connection's next request starts: buffer it too."""
        self.poller.unregister(client)
        self.keepalived_conns.remove(conn)
        self._buffer(conn)

    def _buffer(self, conn: TConn) -> None:
        conn.sock.setblocking(False)
        conn.buffered = bytearray()
        conn.timeout = time.monotonic() + REQUEST_SECONDS
        self.buffering.append(conn)
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._on_buffering_readable, conn))

    def _on_buffering_readable(self, conn: TConn, client) -> None:
        try:
            data = client.recv(65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if data:
            conn.buffered += data
            if not request_complete(conn.buffered):
                return
        self.poller.unregister(client)
        self.buffering.remove(conn)
        if not data:  # the client went away before its request was complete
            self.nr_conns -= 1
            conn.close()
            return
        conn.data_ready = True
        self.enqueue_req(conn)

    def handle(self, conn: TConn):
        """In a thread: the buffered bytes first, then gunicorn's own handling."""
        buffered = getattr(conn, "buffered", None)
        if buffered:
            conn.buffered = None
            conn.sock.setblocking(True)
            conn.init()
            conn.parser.unreader.unread(bytes(buffered))
        return super().handle(conn)

    def murder_keepalived(self, force: bool = False) -> None:
        """gunicorn's keep-alive expiry, and the disconnection of clients too slow to send a request."""
        super().murder_keepalived(force)
        now = time.monotonic()
        while self.buffering and (force or not self.alive or self.buffering[0].timeout <= now):
            conn = self.buffering.popleft()
            with contextlib.suppress(OSError, KeyError, ValueError):  # already unregistered
                self.poller.unregister(conn.sock)
            self.nr_conns -= 1
            conn.close()

"""The gateway's end of a detection worker's pipe: non-blocking, buffered both ways.

The worker keeps a plain blocking ``multiprocessing`` ``Connection``; this end speaks the same
frames (a 4-byte big-endian signed length, or -1 and an 8-byte length past 2 GiB, then the
pickle) without ever blocking the event loop.

Why not ``Connection.send``/``recv`` on a watched fd: uvloop's ``add_reader`` makes the fd
non-blocking (libuv's ``uv_poll_init`` does, for each new poll handle: again after the fd has
been unwatched and watched anew), and ``Connection`` assumes a blocking one, so a
reply or a job larger than the socket buffer raised ``BlockingIOError`` half-way through a
message (taken for a dead worker, and the stream out of step). Putting the fd back in blocking
mode after ``add_reader`` would make them work but would let the event loop wait on a worker:
``recv()`` on a reply that is only partly written (a 2 MB reply, a worker stopped or not
scheduled on a busy host) and ``send()`` of a job larger than the buffer block every request
until the worker catches up. So this end is made non-blocking on every loop (the standard loop
and the tests run the same code as uvloop), reads what has arrived and delivers whole frames,
and queues what cannot be written yet behind ``add_writer``.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import struct
from collections import deque
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.reduction import ForkingPickler
from typing import Any

_SHORT = struct.Struct("!i")
_LONG = struct.Struct("!Q")
_LONG_FRAME = 0x7FFFFFFF  # longer payloads take the -1 and 8-byte header, as Connection does
# Below glibc's default mmap threshold (128 KiB): a read does not cost an mmap and munmap.
READ_BYTES = 64 * 1024


class WorkerPipe:
    """Sends and receives pickled messages; ``on_message`` gets each, ``on_closed`` once when the
    pipe breaks or the worker's end closes (the worker died), never after ``close()``."""

    def __init__(self, conn: Connection, loop: asyncio.AbstractEventLoop) -> None:
        self._conn, self._loop = conn, loop
        self._fd = conn.fileno()
        self._on_message: Callable[[Any], None] = _unset
        self._on_closed: Callable[[], None] = _unset
        self._in = bytearray()
        self._out: deque[memoryview] = deque()
        self._writing = False  # watched for writability: something is queued
        self.closed = False
        os.set_blocking(self._fd, False)

    def start(self, on_message: Callable[[Any], None], on_closed: Callable[[], None]) -> None:
        """Watch for messages (the owner builds its record of the worker around the pipe first)."""
        self._on_message, self._on_closed = on_message, on_closed
        self._loop.add_reader(self._fd, self._readable)

    def send(self, message: Any) -> None:
        """Queue one message; what the buffer cannot take now is written as it drains.
        OSError (or ValueError once closed) if the pipe is broken: the worker is gone."""
        if self.closed:
            raise ValueError("the pipe is closed")
        payload = memoryview(ForkingPickler.dumps(message))
        size = len(payload)
        header = _SHORT.pack(size) if size <= _LONG_FRAME else _SHORT.pack(-1) + _LONG.pack(size)
        queued = bool(self._out)
        self._out.extend((memoryview(header), payload))
        if not queued:
            self._flush(raise_errors=True)

    def _flush(self, *, raise_errors: bool) -> None:
        while self._out:
            try:
                written = os.writev(self._fd, list(itertools.islice(self._out, 16)))
            except (BlockingIOError, InterruptedError):
                break
            except OSError:
                if raise_errors:
                    raise
                self._broken()
                return
            while written and self._out:
                first = self._out[0]
                if written >= len(first):
                    written -= len(first)
                    self._out.popleft()
                else:
                    self._out[0] = first[written:]
                    written = 0
        if self._out and not self._writing:
            self._writing = True
            self._loop.add_writer(self._fd, self._writable)
        elif not self._out and self._writing:
            self._writing = False
            self._loop.remove_writer(self._fd)

    def _writable(self) -> None:
        self._flush(raise_errors=False)

    def _readable(self) -> None:
        try:
            data = os.read(self._fd, READ_BYTES)
        except (BlockingIOError, InterruptedError):
            return  # woken for nothing: wait for the next readiness
        except OSError:
            self._broken()
            return
        if not data:  # the worker's end is closed: it exited (a partial frame dies with it)
            self._broken()
            return
        self._in += data
        while not self.closed:
            message = self._take_frame()
            if message is _INCOMPLETE:
                return
            self._on_message(message)

    def _take_frame(self) -> Any:
        buffered = len(self._in)
        if buffered < _SHORT.size:
            return _INCOMPLETE
        (size,) = _SHORT.unpack_from(self._in)
        start = _SHORT.size
        if size == -1:
            if buffered < _SHORT.size + _LONG.size:
                return _INCOMPLETE
            (size,) = _LONG.unpack_from(self._in, _SHORT.size)
            start += _LONG.size
        end = start + size
        if buffered < end:
            return _INCOMPLETE
        try:
            with memoryview(self._in) as view, view[start:end] as frame:
                message = ForkingPickler.loads(frame)
        except Exception:  # a reply that cannot be read: the worker is no use (it is replaced)
            self._broken()
            return _INCOMPLETE
        del self._in[:end]  # the views are released: the buffer may shrink
        return message

    def _broken(self) -> None:
        self.close()
        self._on_closed()

    def close(self) -> None:
        """Stop watching the fd and close it; anything still queued is dropped."""
        if self.closed:
            return
        self.closed = True
        self._loop.remove_reader(self._fd)
        if self._writing:
            self._loop.remove_writer(self._fd)
        self._out.clear()
        self._conn.close()


_INCOMPLETE = object()


def _unset(*_args: Any) -> None:
    raise RuntimeError("WorkerPipe.start() was not called")

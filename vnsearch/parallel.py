"""Whoosh's multiprocess writer, with workers that never outlive the command.

Whoosh's ``MpWriter`` forks one ``SubWriterTask`` per core. Left as it is, a worker outlives its
parent when the parent alone is killed (``kill PID``, the OOM killer, a supervisor's stop): it
waits on its job queue for ever and, as a forked child, keeps the index's write lock (a
``flock`` on ``MAIN_WRITELOCK``) held, so every later update is refused. Its ``cancel`` only sets
a flag in the parent's copy of the task object, and Ctrl-C reaches every worker of the process
group, each printing a traceback.

Here each worker, as it starts:
- asks the kernel to kill it when its parent dies (Linux ``PR_SET_PDEATHSIG``), and checks
  that the parent is still the one that forked it (it may have died before the request); where
  there is no such request, a thread watches the parent's pid;
- closes its inherited copy of the write lock's file descriptor, so the lock is the parent's
  alone and ends with it;
- ignores SIGINT: Ctrl-C is the parent's to handle, and the parent then ends its workers.
``cancel`` terminates the workers instead of only marking them.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import threading
import time

from whoosh.multiproc import MpWriter, SubWriterTask

PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    """Make this process end when ``parent`` does."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        armed = libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        armed = False
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)
    if not armed:
        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(0.5)
            os._exit(1)

        threading.Thread(target=watch, daemon=True).start()


class _Worker(SubWriterTask):
    def __init__(self, *args, lock_fd: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._parent = os.getpid()
        self._lock_fd = lock_fd

    def run(self):
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        _die_with_parent(self._parent)
        if self._lock_fd is not None:
            try:
                os.close(self._lock_fd)
            except OSError:
                pass
        super().run()


class ParallelWriter(MpWriter):
    """``MpWriter`` whose workers die with it and are ended by ``cancel``."""

    def _new_task(self):
        lock = getattr(self, "writelock", None)
        task = _Worker(
            self.storage, self.indexname, self.jobqueue, self.resultqueue, self.subargs, self.multisegment,
            lock_fd=getattr(lock, "fd", None),
        )
        self.tasks.append(task)
        task.start()
        return task

    def worker_pids(self) -> list[int]:
        return [t.pid for t in self.tasks if t.pid]

    def stop_workers(self) -> None:
        for task in self.tasks:
            if task.is_alive():
                task.terminate()
        for task in self.tasks:
            task.join(timeout=5)
            if task.is_alive():
                task.kill()
                task.join(timeout=5)

    def cancel(self):
        try:
            self.stop_workers()
        finally:
            # the job files of unfinished batches are in the temporary storage Whoosh removes here
            super(MpWriter, self).cancel()

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

And the split is fixed: Whoosh's workers take batches from one shared queue, so which worker
indexes which documents, and so the document numbers, depend on timing, and two builds of the
same corpus rank ties (and round float32 averages) differently (issue 15: dantri-titles MRR@10
0.7246 and 0.7241 from the same code). Here batch n goes to worker n mod procs, through that
worker's own queue, and the segments are committed in worker order.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import pickle
import queue
import signal
import threading
import time
from multiprocessing import Queue

from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.util import random_name

from .bulk import BulkWriter

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

    def _process_file(self, filename, doc_count):
        """SubWriterTask's, with the job's documents added together (``add_documents``)."""
        tempstorage = self.writer.temp_storage()
        with tempstorage.open_file(filename).raw_file() as f:
            jobs = [pickle.load(f) for _ in range(doc_count)]
        if any(code != 0 for code, _ in jobs):  # 0: add_document, Whoosh's only job
            raise ValueError(f"unknown job in {filename}")
        self.writer.add_documents([fields for _, fields in jobs])
        tempstorage.delete_file(filename)

    def run(self):
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        _die_with_parent(self._parent)
        if self._lock_fd is not None:
            try:
                os.close(self._lock_fd)
            except OSError:
                pass
        # SubWriterTask.run's multisegment loop, with the bulk writer (bulk.py) instead of
        # Whoosh's SegmentWriter
        ix = self.storage.open_index(self.indexname)
        writer = self.writer = BulkWriter(ix, _lk=False, **self.kwargs)
        while self.running:
            jobinfo = self.jobqueue.get()
            if jobinfo is None:
                break
            self._process_file(*jobinfo)
        if not self.running:
            writer.cancel()
        else:
            self.resultqueue.put((None, writer.pool.fieldnames, writer._finalize_segment()), timeout=5)


class ParallelWriter(MpWriter):
    """``MpWriter`` whose workers die with it and are ended by ``cancel``, each given every
    procs-th batch (``multisegment`` only: each worker's documents are its own segment)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.multisegment:
            raise ValueError("ParallelWriter writes one segment per worker (multisegment=True)")
        self._batches = 0
        self._queues: list[tuple[Queue, Queue]] = []  # (jobs, result) of each worker

    def _new_task(self):
        lock = getattr(self, "writelock", None)
        jobs, result = Queue(4), Queue()
        task = _Worker(
            self.storage, self.indexname, jobs, result, self.subargs, self.multisegment,
            lock_fd=getattr(lock, "fd", None),
        )
        self.tasks.append(task)
        self._queues.append((jobs, result))
        task.start()
        return task

    def _enqueue(self):
        """MpWriter's, with the batch put on the queue of worker (batch number mod procs)."""
        filename = "%s.doclist" % random_name()
        with self.temp_storage().create_file(filename).raw_file() as f:
            for item in self.docbuffer:
                pickle.dump(item, f, 2)
        worker = self._batches % self.procs
        while len(self.tasks) <= worker:
            self._new_task()
        self._queues[worker][0].put((filename, len(self.docbuffer)))
        self._batches += 1
        self.docbuffer = []

    def _commit(self, mergetype, optimize, merge):
        """MpWriter's multisegment commit, with the workers' segments in worker order."""
        if self.docbuffer:
            self._enqueue()
        for jobs, _ in self._queues:
            jobs.put(None)
        finalsegments = self._merge_segments(mergetype, optimize, merge)
        for task in self.tasks:
            task.join()
        for _, result in self._queues:
            try:
                finalsegments.append(result.get(timeout=1)[2])
            except queue.Empty:  # a lost worker: indexer._check_complete names the loss
                pass
        if self._added:
            finalsegments.append(self._finalize_segment())
        else:
            self._close_segment()
        self._commit_toc(finalsegments)
        self._finish()

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
        # nobody reads the queues now: the exit must not wait for their feeder threads (seen
        # under load after Ctrl-C: exit 130 printed, then the process hung for ever in
        # multiprocessing's atexit join of a job queue's feeder). Here, not only in cancel:
        # the indexer's _discard stops the workers without cancelling the writer.
        for jobs, result in self._queues:
            jobs.cancel_join_thread()
            result.cancel_join_thread()

    def cancel(self):
        try:
            self.stop_workers()
        finally:
            # the job files of unfinished batches are in the temporary storage Whoosh removes here
            super(MpWriter, self).cancel()

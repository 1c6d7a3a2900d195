"""Everything a running server holds: config, database, blobs, clock, scheduler, syncer,
workers."""
import atexit
import os
import shutil
import tempfile

from lakebox.aws.hooks import Hooks
from lakebox.aws.routing import FALLBACK_SERVICE
from lakebox.services import SERVICE_NAMES, load_actions, optional_module
from lakebox.storage.blobs import BlobStore
from lakebox.storage.clock import Clock
from lakebox.storage.db import Database
from lakebox.storage.journal import BlobJournal
from lakebox.storage.scheduler import Scheduler
from lakebox.storage.syncer import Syncer
from lakebox.work import Work


class AppState:
    def __init__(self, config):
        self.config = config
        self.root, self.db, self.blobs, self.syncer = _open_storage(config)
        self.clock = Clock(self.db)
        self.scheduler = Scheduler(self)
        self.work = Work(self.db)
        # In-memory caches and rate-limit buckets, by service: never the only copy of
        # an acknowledged write, and emptied by a reset.
        self.memory = {}
        self.actions = {name: load_actions(name) for name in SERVICE_NAMES}
        self.hooks = _load_hooks()
        self._migrate()
        self._recover()
        self._register_jobs()

    def start(self):
        """Start the background work (in the server's event loop)."""
        self.scheduler.start()
        if self.syncer is not None:
            self.syncer.start()

    async def stop(self):
        await self.scheduler.stop()
        if self.syncer is not None:
            self.syncer.stop()

    def settle(self):
        """Before an answer: under `--fsync always`, what to await until its writes are on
        disk; None in the other modes, which have nothing to wait for (no await per request)."""
        syncer = self.syncer
        return syncer.settle() if syncer is not None and syncer.always else None

    def cache(self, name: str) -> dict:
        return self.memory.setdefault(name, {})

    def service_dir(self, name: str) -> str:
        """A directory of the service's own files in the data dir (or the temporary root)."""
        path = os.path.join(self.root, "services", name)
        os.makedirs(path, exist_ok=True)
        return path

    def reset(self):
        """Wipe every service's state, as `POST /_lakebox/reset` asks."""
        self.work.cancel_all()           # what they read is going: nothing of theirs may land
        self.db.wipe()
        self.blobs.wipe()
        self.memory.clear()
        shutil.rmtree(os.path.join(self.root, "services"), ignore_errors=True)
        self.clock.set_offset(0.0)
        self._migrate()
        self.scheduler.poke()

    def _migrate(self):
        for name in SERVICE_NAMES:
            store = optional_module(name, "store")
            if store is not None and getattr(store, "SCHEMA", None):
                self.db.migrate(name, store.SCHEMA)

    def _recover(self):
        """Let each service check what the last sync window wrote, as a machine crash may
        have torn it: blobs from the journal (id -> size on disk, None if missing) and the
        service's own files. A service's `recovery.recover(state, suspects)` drops rows
        that point at lost bytes and notes the files it checked; then all is synced."""
        if self.syncer is None:
            return
        suspects = self.blobs.journaled()
        for blob_id, size in suspects.items():       # a killed server left them unsynced
            if size is not None:
                path = self.blobs.path(blob_id)
                self.syncer.note_file(path, os.path.dirname(path))
        for name in SERVICE_NAMES:
            recovery = optional_module(name, "recovery")
            if recovery is not None:
                recovery.recover(self, suspects)
        self.syncer.sync_now()

    def _register_jobs(self):
        for name in SERVICE_NAMES:
            jobs = optional_module(name, "jobs")
            for job_name, fn in (getattr(jobs, "JOBS", {}) if jobs else {}).items():
                self.scheduler.register(name, job_name, fn)


def _load_hooks() -> Hooks:
    modules = {name: optional_module(name, "hooks") for name in SERVICE_NAMES}
    return Hooks({name: module for name, module in modules.items() if module is not None}, last=FALLBACK_SERVICE)


def _open_storage(config):
    """(root, database, blobs, syncer); in memory there is nothing to sync."""
    if config.in_memory:
        root = tempfile.mkdtemp(prefix="lakebox-")
        atexit.register(shutil.rmtree, root, True)
        return root, Database(None), BlobStore(os.path.join(root, "blobs")), None
    os.makedirs(config.data_dir, exist_ok=True)
    database = Database(os.path.join(config.data_dir, "lakebox.db"))
    journal = BlobJournal(database)
    always = config.fsync == "always"
    syncer = Syncer(database, journal, config.sync_interval, always)
    blobs = BlobStore(os.path.join(config.data_dir, "blobs"), durable=always, syncer=syncer, journal=journal)
    return config.data_dir, database, blobs, syncer

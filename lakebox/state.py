"""Everything a running server holds: config, database, blobs, clock, scheduler, workers."""
import atexit
import os
import shutil
import tempfile

from lakebox.services import SERVICE_NAMES, load_actions, optional_module
from lakebox.storage.blobs import BlobStore
from lakebox.storage.clock import Clock
from lakebox.storage.db import Database
from lakebox.storage.scheduler import Scheduler
from lakebox.work import Work


class AppState:
    def __init__(self, config):
        self.config = config
        self.root, self.db, self.blobs = _open_storage(config)
        self.clock = Clock(self.db)
        self.scheduler = Scheduler(self)
        self.work = Work(self.db)
        # In-memory caches and rate-limit buckets, by service: never the only copy of
        # an acknowledged write, and emptied by a reset.
        self.memory = {}
        self.actions = {name: load_actions(name) for name in SERVICE_NAMES}
        self._migrate()
        self._register_jobs()

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

    def _register_jobs(self):
        for name in SERVICE_NAMES:
            jobs = optional_module(name, "jobs")
            for job_name, fn in (getattr(jobs, "JOBS", {}) if jobs else {}).items():
                self.scheduler.register(name, job_name, fn)


def _open_storage(config):
    if config.in_memory:
        root = tempfile.mkdtemp(prefix="lakebox-")
        atexit.register(shutil.rmtree, root, True)
        return root, Database(None), BlobStore(os.path.join(root, "blobs"), durable=False)
    os.makedirs(config.data_dir, exist_ok=True)
    database = Database(os.path.join(config.data_dir, "lakebox.db"))
    return config.data_dir, database, BlobStore(os.path.join(config.data_dir, "blobs"))

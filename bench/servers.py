"""The servers the benchmarks compare, started on free ports and stopped at exit.

    import servers
    servers.end_at_exit()
    core = servers.pin_load()                       # this script on core 1, servers on core 0
    lakebox = servers.lakebox(core, "--limits", "off")      # a fresh --data-dir, removed at exit
    moto = servers.moto(core)                       # None when moto_server is not installed
    ... lakebox.port, lakebox.cpu_seconds() ...

lakebox runs from this checkout (or `tree=` another, for A/B runs) as `python -m
lakebox.cli serve`; moto's server (`moto_server`) and ministack are found on PATH (for
instance `python3 -m venv /tmp/benchvenv && /tmp/benchvenv/bin/pip install
'moto[server]' ministack`), kinesalite and dynalite on PATH or where `npm install
--prefix /tmp/<name>-ref <name>` puts them. A server that is not installed or never
answers is None: the benchmark skips it with a message. Every child runs in a session of
its own, so stopping it ends whatever it started; `end_at_exit()` stops them all at exit,
also on Ctrl-C.
"""
import atexit
import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
READY_TIMEOUT = 60.0
POLL_INTERVAL = 0.01

_children = []
_scratch = []


# --- the processes -------------------------------------------------------------------

class Running:
    """A started server: its process and port (and data dir, for lakebox)."""

    def __init__(self, name, proc, port, data_dir=None, log_path=None):
        self.name, self.proc, self.port = name, proc, port
        self.data_dir, self.log_path = data_dir, log_path

    @property
    def pid(self):
        return self.proc.pid

    def cpu_seconds(self) -> float:
        """utime + stime of the server and every process it started (a server may fork)."""
        return tree_cpu_seconds(self.proc.pid)

    def stop(self):
        stop(self.proc)


def end_at_exit():
    """Stop every child and remove every scratch dir at exit, also on Ctrl-C and SIGTERM."""
    atexit.register(_cleanup)
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, _on_signal)


def _cleanup():
    for proc in list(_children):
        stop(proc)
    for path in _scratch:
        shutil.rmtree(path, ignore_errors=True)


def _on_signal(signum, _frame):
    raise SystemExit(128 + signum)      # unwinds through atexit, which ends the children


def scratch_dir(prefix: str) -> str:
    """A fresh directory (under the temp dir), removed at exit."""
    path = tempfile.mkdtemp(prefix=prefix)
    _scratch.append(path)
    return path


def pin_load(pin: bool = True):
    """On two or more cores: this process (the load side) moves to the second core, and
    the core for servers (the first) is returned; else None (nothing pinned)."""
    cores = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    if not pin or len(cores) < 2:
        return None
    os.sched_setaffinity(0, {cores[1]})
    return cores[0]


class Cores:
    """Where servers and the load generator run: separate cores when there are two, as
    core numbers in strings (`taskset -c` takes them)."""

    def __init__(self, priority=True):
        # Other work on the machine (other sessions' tests) steals the server's core and
        # shows up as a long latency tail. Where we may, the processes under test run at
        # nice -10, so they get ~90% of a contended core instead of half.
        self.niceness = -10 if priority and may_raise_priority() else 0
        try:
            available = sorted(os.sched_getaffinity(0))
        except AttributeError:
            available = []
        self.taskset = shutil.which("taskset")
        if len(available) >= 2:
            self.server, self.load = str(available[0]), str(available[1])
        else:
            self.server = self.load = None

    @property
    def pinned(self):
        return self.server is not None

    def spawn(self, argv, core, log_path=None, cwd=None, env=None):
        """`spawn` on `core` (through taskset where there is one) at the chosen niceness."""
        if core is not None and self.taskset:
            argv, core = [self.taskset, "-c", core] + argv, None
        return spawn(argv, core, env, log_path, cwd, self.niceness)

    def describe(self):
        nice = f"; servers and wrk at nice {self.niceness}" if self.niceness else ""
        if not self.pinned:
            return "not pinned (fewer than 2 cores available)" + nice
        how = "taskset -c" if self.taskset else "sched_setaffinity"
        return (f"servers on core {self.server} ({how} {self.server}); wrk (1 thread) and this "
                f"script on core {self.load}{nice}")


def wrk_cores(priority: bool = True):
    """(Cores, wrk's path) for a benchmark that replays requests with wrk: this process
    moves to the load core (wrk runs there too); exits with a message when wrk is missing."""
    cores = Cores(priority=priority)
    if cores.pinned:
        os.sched_setaffinity(0, {int(cores.load)})
    wrk = shutil.which("wrk")
    if not wrk:
        sys.exit("wrk is not installed (Debian: apt-get install -y wrk)")
    return cores, wrk


def may_raise_priority() -> bool:
    """True if this process may lower a child's niceness (root, or CAP_SYS_NICE)."""
    try:
        current = os.getpriority(os.PRIO_PROCESS, 0)
        os.setpriority(os.PRIO_PROCESS, 0, current - 1)
        os.setpriority(os.PRIO_PROCESS, 0, current)
        return True
    except (OSError, AttributeError):
        return False


def spawn(argv, core=None, env=None, log_path=None, cwd=None, niceness=0):
    """Start a child in a session of its own, on `core` (a number) if given, at `niceness`;
    its output goes to `log_path` (else nowhere)."""
    log = open(log_path, "wb") if log_path else subprocess.DEVNULL

    def preexec():
        if core is not None:
            os.sched_setaffinity(0, {int(core)})
        if niceness:
            os.setpriority(os.PRIO_PROCESS, 0, niceness)
    try:
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, cwd=cwd,
                                env=env, start_new_session=True, preexec_fn=preexec)
    finally:
        if log is not subprocess.DEVNULL:
            log.close()
    _children.append(proc)
    return proc


def stop(proc, grace=5.0):
    """End a child we started (and its process group, which it leads), politely first."""
    if proc.returncode is None and proc.poll() is None:
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(proc.pid, sig)
            except (ProcessLookupError, PermissionError):
                pass
            try:
                proc.wait(grace)
                break
            except subprocess.TimeoutExpired:
                continue
    if proc in _children:
        _children.remove(proc)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def child_env(tree=ROOT, extra=None) -> dict:
    """The environment of a lakebox child: `tree` first on PYTHONPATH, no LAKEBOX_PORT or
    LAKEBOX_DATA_DIR of the caller's."""
    env = dict(os.environ)
    env["PYTHONPATH"] = tree + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.pop("LAKEBOX_PORT", None)
    env.pop("LAKEBOX_DATA_DIR", None)
    env.update(extra or {})
    return env


def cpu_seconds(pid):
    """utime + stime of a live process, from /proc; None where there is no /proc."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def tree_cpu_seconds(pid) -> float:
    """utime + stime of a process and all its descendants."""
    total = cpu_seconds(pid) or 0.0
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            children = [int(c) for c in f.read().split()]
    except OSError:
        children = []
    return total + sum(tree_cpu_seconds(child) for child in children)


def tail(path, lines=8) -> str:
    try:
        with open(path, "rb") as f:
            return b"\n".join(f.read().splitlines()[-lines:]).decode("utf-8", "replace")
    except OSError:
        return ""


# --- waiting for one to answer ---------------------------------------------------------

def request(port, method, path, body=None, headers=None, timeout=2.0):
    """(status, body) of one request to 127.0.0.1:port, or None if nothing answers."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    except (OSError, http.client.HTTPException):
        return None
    finally:
        conn.close()


def wait_for(proc, port, method="GET", path="/", body=None, headers=None, timeout=READY_TIMEOUT,
             interval=POLL_INTERVAL, any_status=False):
    """The first 200 answer (status, body) to the request (with `any_status`, the first
    answer at all), or None if the process died or time ran out."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if proc.poll() is not None:
            return None
        answer = request(port, method, path, body, headers, timeout=1.0)
        if answer is not None and (answer[0] == 200 or any_status):
            return answer
        time.sleep(interval)
    return None


def wait_port(proc, port, timeout=READY_TIMEOUT) -> bool:
    """True once the port takes connections; False if the process died or time ran out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


# --- the servers -----------------------------------------------------------------------

def lakebox_argv(port, *args, data_dir=None):
    """`lakebox serve` on `port`: in memory unless `data_dir` is given."""
    where = ["--data-dir", data_dir] if data_dir else ["--in-memory"]
    return [sys.executable, "-m", "lakebox.cli", "serve", "--port", str(port), *where, *args]


def lakebox(core=None, *args, durable=True, data_dir=None, tree=ROOT, name="lakebox", niceness=0, log_path=None,
            cwd=None, env=None):
    """lakebox serving with `args` (e.g. "--limits", "off"): on a fresh data dir (removed
    at exit) unless `durable` is False (`--in-memory`) or `data_dir` names one; ready
    once /_lakebox/health answers. None if it never does."""
    port = free_port()
    if durable and data_dir is None:
        data_dir = scratch_dir(f"{name.replace(' ', '-')}-bench-data-")
    # The child runs in a directory of its own: `python -m` puts its working directory
    # first on sys.path, where a stray module (a jq.py, say) would shadow a dependency.
    cwd = cwd or scratch_dir("lakebox-bench-cwd-")
    proc = spawn(lakebox_argv(port, *args, data_dir=data_dir if durable else None), core,
                 child_env(tree, env), log_path, cwd, niceness)
    if wait_for(proc, port, "GET", "/_lakebox/health") is None:
        stop(proc)
        return None
    return Running(name, proc, port, data_dir, log_path)


def moto_argv(port):
    """moto's server on 127.0.0.1:port (`moto_server`, else `python -m moto.server`), or None."""
    exe = shutil.which("moto_server") or os.path.join(os.path.dirname(sys.executable), "moto_server")
    if os.path.exists(exe):
        return [exe, "-H", "127.0.0.1", "-p", str(port)]
    try:
        import moto.server  # noqa: F401
    except ImportError:
        return None
    return [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]


def ministack_argv(_port=None):
    """ministack (its port comes from GATEWAY_PORT: `ministack_env`), or None."""
    exe = shutil.which("ministack")
    return [exe] if exe else None


def ministack_env(port) -> dict:
    return {"GATEWAY_PORT": str(port), "BIND_HOST": "127.0.0.1"}


MINISTACK_HEALTH = "/_ministack/health"


def moto(core=None, niceness=0, log_path=None):
    """moto's server (in memory), or None."""
    port = free_port()
    argv = moto_argv(port)
    if argv is None:
        return None
    return _ready("moto_server", spawn(argv, core, None, log_path, None, niceness), port, "/", log_path)


def ministack(core=None, niceness=0, log_path=None):
    """ministack (every service in memory) on its gateway port, or None."""
    port = free_port()
    argv = ministack_argv()
    if argv is None:
        return None
    env = dict(os.environ, **ministack_env(port))
    return _ready("ministack", spawn(argv, core, env, log_path, scratch_dir("ministack-bench-"), niceness), port,
                  MINISTACK_HEALTH, log_path)


def kinesalite(core=None, path=None, niceness=0):
    """kinesalite (Node, in memory) with room for many shards, or None."""
    exe = _node_tool("kinesalite", path)
    if exe is None:
        return None
    port = free_port()
    return _listening("kinesalite", spawn([exe, "--port", str(port), "--shardLimit", "1000"], core,
                                          niceness=niceness), port)


def dynalite(core=None, path=None, niceness=0):
    """dynalite (Node, in memory), tables ready at once, or None."""
    exe = _node_tool("dynalite", path)
    if exe is None:
        return None
    port = free_port()
    return _listening("dynalite", spawn([exe, "--port", str(port), "--createTableMs", "0", "--deleteTableMs", "0"],
                                        core, niceness=niceness), port)


def _node_tool(name, path):
    exe = path or shutil.which(name) or f"/tmp/{name}-ref/node_modules/.bin/{name}"
    return exe if os.path.exists(exe) else None


def _ready(name, proc, port, health, log_path):
    if wait_for(proc, port, "GET", health) is None:
        stop(proc)
        return None
    return Running(name, proc, port, log_path=log_path)


def _listening(name, proc, port):
    if not wait_port(proc, port):
        stop(proc)
        return None
    return Running(name, proc, port)

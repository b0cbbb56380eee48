"""Warm kernels: each chapter still gets a fresh Python kernel of its own, but forked from one process
(the "zygote") that has already imported what the chapters import (pandas, statsmodels, matplotlib,
the analysis package, ipykernel), so that this ~2 s of CPU per chapter is spent once per build.

Measured on the 2-core build machine: kernel start-up and imports were ~2.3 s of the 2-4.5 s each
chapter took. The zygote starts with the build (its imports overlap the data step) and forks one
kernel per chapter; a kernel runs in its own session, dies with the zygote, which dies with the
build: it ends when the build's end of its socket closes, and its kernels are killed when it ends
(Linux `PR_SET_PDEATHSIG`). Where fork or pidfd is unavailable, or REDID_WARM_KERNELS=0, the build
launches kernels the usual way (jupyter_client's Popen).

Run as `python -m analysis.pipeline.kernels FD`: the zygote, serving fork requests (one JSON line
each: the kernel command, environment and folder) on the socket FD until it closes.
"""

from __future__ import annotations

import ctypes
import importlib
import importlib.util
import json
import os
import pkgutil
import select
import signal
import socket
import subprocess
import sys
import threading
import traceback
from pathlib import Path

PR_SET_PDEATHSIG = 1
# Third-party modules the chapters import (directly or through analysis/), heaviest first.
WARM = (
    "numpy",
    "pandas",
    "scipy.stats",
    "statsmodels.api",
    "statsmodels.formula.api",
    "matplotlib",
    "matplotlib.pyplot",
    "seaborn",
    "IPython",
    "ipykernel.kernelapp",
)
ANALYSIS_LAYERS = ("core", "data", "estimation", "display", "report")  # what chapters import; not pipeline/render
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"  # what ipykernel sets before a chapter's imports


def available() -> bool:
    """Fork, pidfd and prctl present (Linux), and not switched off with REDID_WARM_KERNELS=0."""
    return (
        os.environ.get("REDID_WARM_KERNELS", "1") != "0"
        and hasattr(os, "fork")
        and hasattr(os, "pidfd_open")
        and sys.platform.startswith("linux")
    )


def die_with_parent(parent: int) -> None:
    """Be killed when the process that started us ends (also when it is killed)."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # it ended before prctl took effect
        os._exit(1)


# ------------------------------------------------------------------ the build's side


class Zygote:
    """The warm process, started by the build; it imports while the build goes on."""

    def __init__(self, project: Path):
        ours, theirs = socket.socketpair()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "analysis.pipeline.kernels", str(theirs.fileno())],
            cwd=project,
            pass_fds=[theirs.fileno()],
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # Ctrl-C in a terminal reaches the build, which ends the zygote
        )
        theirs.close()
        self.sock = ours
        self.stream = ours.makefile("rw", encoding="utf-8")
        self.lock = threading.Lock()

    def spawn(self, cmd: list[str], env: dict, cwd: str) -> int:
        """Fork a kernel running `cmd`'s ipykernel arguments; its pid (waits for the imports once)."""
        with self.lock:
            self.stream.write(json.dumps({"cmd": cmd, "env": dict(env), "cwd": str(cwd)}) + "\n")
            self.stream.flush()
            reply = self.stream.readline()
        if not reply:
            raise RuntimeError("the warm-kernel process ended")
        return int(json.loads(reply)["pid"])

    def alive(self) -> bool:
        return self.proc.poll() is None

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait()
        self.stream.close()
        self.sock.close()


class ForkedKernel:
    """What jupyter_client's provisioner needs of a Popen, for a kernel that is the zygote's child."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode = None
        try:
            self.fd = os.pidfd_open(pid)
        except ProcessLookupError:  # already gone
            self.fd, self.returncode = None, -1

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            ready, _, _ = select.select([self.fd], [], [], timeout)
            if not ready:
                raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout)
            self.returncode = -1  # ended; its exit status belongs to the zygote, which reaps it
            os.close(self.fd)
        return self.returncode

    def poll(self) -> int | None:
        try:
            return self.wait(0)
        except subprocess.TimeoutExpired:
            return None

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class Pool:
    """The build's warm kernels: the zygote is started on first need (or early, with `start`) and
    ended with `close`. `zygote()` is None when warm kernels are not available here."""

    def __init__(self, project: Path):
        self.project = project
        self.lock = threading.Lock()
        self.started: Zygote | None = None
        self.enabled = available()

    def start(self) -> None:
        with self.lock:
            if self.enabled and self.started is None:
                self.started = Zygote(self.project)

    def zygote(self) -> Zygote | None:
        self.start()
        if self.started is not None and not self.started.alive():  # it died: start kernels afresh
            self.enabled = False
        return self.started if self.enabled else None

    def close(self) -> None:
        with self.lock:
            if self.started is not None:
                self.started.close()
                self.started = None


def provisioner_class(zygote: Zygote):
    """A jupyter_client LocalProvisioner whose kernels are forked by `zygote`."""
    from jupyter_client.provisioning import LocalProvisioner

    class ZygoteProvisioner(LocalProvisioner):
        async def launch_kernel(self, cmd, **kwargs):
            scrubbed = self._scrub_kwargs(kwargs)
            cwd = scrubbed.get("cwd") or os.getcwd()
            try:
                pid = zygote.spawn(cmd, scrubbed.get("env") or os.environ, cwd)
            except (OSError, RuntimeError, ValueError):  # the warm process is gone: start this kernel afresh
                return await super().launch_kernel(cmd, **kwargs)
            self.process = ForkedKernel(pid)
            self.pid = self.pgid = pid  # the kernel leads its own session, as jupyter_client's do
            self.cwd = cwd
            return self.connection_info

    return ZygoteProvisioner


# ------------------------------------------------------------------ the zygote's side


def warm_up() -> None:
    """Import what the chapters import. A module that fails is skipped: the chapter's own import then
    fails the usual way, naming the chapter and cell."""
    os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)
    names = list(WARM)
    for layer in ANALYSIS_LAYERS:
        package = Path(__file__).resolve().parents[1] / layer
        names += [f"analysis.{layer}"] + [
            m.name for m in pkgutil.walk_packages([str(package)], prefix=f"analysis.{layer}.", onerror=print)
        ]
    blocker = KernelOnly()
    sys.meta_path.insert(0, blocker)
    try:
        for name in names:
            try:
                importlib.import_module(name)
            except Exception:  # noqa: BLE001 - see the docstring
                pass
    finally:
        sys.meta_path.remove(blocker)


class KernelOnly:
    """Import hook for the warm-up: modules that hook into the running IPython when imported (the
    inline backend, and so what imports it: analysis.display.style ...) fail here, to be imported in
    the kernel as in a kernel started afresh."""

    NAMES = ("matplotlib_inline.backend_inline",)

    def find_spec(self, name, path=None, target=None):
        if name in self.NAMES:
            raise ImportError(f"{name} is imported in the kernel")
        return None


def kernel_child(request: dict, zygote: int) -> None:
    """In the forked child: become an ipykernel as `python -m ipykernel_launcher ARGS` would."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # the zygote's handler is not the kernel's
    os.setsid()
    die_with_parent(zygote)
    cmd = request["cmd"]
    args = cmd[cmd.index("ipykernel_launcher") + 1 :]
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    os.environ["JPY_PARENT_PID"] = str(zygote)  # ipykernel's parent poller watches the zygote
    os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)
    if sys.path and (sys.path[0] == "" or Path(sys.path[0]) == Path.cwd()):
        del sys.path[0]  # as ipykernel_launcher does; IPython puts '' back
    sys.argv = [str(Path(importlib.util.find_spec("ipykernel_launcher").origin)), *args]
    from ipykernel import kernelapp

    kernelapp.launch_new_instance(argv=args)


def reap(signum=None, frame=None) -> None:
    """Collect every ended kernel (SIGCHLD handler)."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def serve(fd: int) -> None:
    signal.signal(signal.SIGCHLD, reap)  # forked kernels are reaped here (their CPU time counts in ours)
    warm_up()
    sock = socket.socket(fileno=fd)
    stream = sock.makefile("rw", encoding="utf-8")
    for line in stream:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                stream.close()
                sock.close()
                kernel_child(request, os.getppid())
                code = 0
            except BaseException:  # noqa: BLE001 - the kernel could not start: say why, as a Popen kernel would
                traceback.print_exc()
            finally:
                os._exit(code)
        stream.write(json.dumps({"pid": pid}) + "\n")
        stream.flush()
    os._exit(0)  # the build has ended: at once, so that its kernels (PR_SET_PDEATHSIG) end too


if __name__ == "__main__":
    serve(int(sys.argv[1]))

"""Container entry point: the trusted parent of the test run.

It starts pytest as a child in its own session with a clean environment (before the handoff,
waiting on its stdin for ``go``, so that the interpreter and pytest load while the host still
works; the wall clock starts at ``go``), keeps only a capped
head and tail of everything the child prints, collects the plugin's events from a pipe, kills
the child's whole process group at the deadline, and prints exactly one JSON report as the
last line of its stdout. The candidate's code never runs in this process, and the child runs
under another uid with no capabilities (privileges.py), so it can neither signal this process
nor open its descriptors. Before the handoff it copies the hidden suite (unreadable to the
child in the image) to a root-owned tmpfs and plants this run's secret canaries in the copy
(canaries.py); their node IDs travel only in the report. It exits 0 only after it printed
the report: the host believes a report only from a wrapper that exited 0 in time.
"""

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time

sys.path.insert(0, "/opt/takehome")

import canaries
import privileges

CONFIG = "/opt/takehome/config.json"
HANDOFF_FIFO = "/handoff/go"
EVENTS_CAP = 1536 * 1024  # must fit, with the rest of the report, in the log cap
OUTPUT_KEEP = 8 * 1024
MARKER = "TAKEHOME-REPORT-V1 "


def chunks(fd):
    """What a pipe delivers until its writers are gone (or it fails), in reads of 64 KiB."""
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            return
        if not chunk:
            return
        yield chunk


class OutputTail:
    """Drains a pipe, keeping the first and last bytes and counting the rest."""

    def __init__(self, fd):
        self.fd = fd
        self.head = bytearray()
        self.tail = bytearray()
        self.total = 0

    def run(self):
        for chunk in chunks(self.fd):
            self.total += len(chunk)
            if len(self.head) < OUTPUT_KEEP:
                room = OUTPUT_KEEP - len(self.head)
                self.head += chunk[:room]
                chunk = chunk[room:]
            self.tail += chunk
            if len(self.tail) > OUTPUT_KEEP:
                del self.tail[: len(self.tail) - OUTPUT_KEEP]

    def text(self):
        data = bytes(self.head)
        if self.total > len(self.head) + len(self.tail):
            data += b"\n[... output cut ...]\n"
        data += bytes(self.tail)
        return data.decode("utf-8", "replace")


class Events:
    """Reads the plugin's JSON lines up to a byte cap; anything unparsable is counted."""

    def __init__(self, fd):
        self.fd = fd
        self.lines = []
        self.bad_lines = 0
        self.overflow = False

    def run(self):
        buffer = bytearray()
        size = 0
        for chunk in chunks(self.fd):
            size += len(chunk)
            if size > EVENTS_CAP:
                self.overflow = True
                continue
            buffer += chunk
            *complete, rest = bytes(buffer).split(b"\n")
            buffer = bytearray(rest)
            for line in complete:
                self._parse(line)

    def _parse(self, line):
        try:
            event = json.loads(line)
        except (ValueError, RecursionError):  # junk, or a nesting bomb
            self.bad_lines += 1
            return
        if isinstance(event, dict):
            self.lines.append(event)
        else:
            self.bad_lines += 1


def _start_reader(target):
    thread = threading.Thread(target=target.run, daemon=True)
    thread.start()
    return thread


def _kill_group(pid):
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def wait_for_submission():
    """Block until the host has put the submission in place and says go (see
    runner/sandbox/handoff.py); the container may have been started long before."""
    with open(HANDOFF_FIFO, "rb") as fifo:
        return fifo.read(16) == b"go\n"


def prepare_suite(config):
    """This run's copy of the suite, with its canaries: root-owned, readable by the child.

    Copies keep their mtimes, so pytest's rewritten modules cached in the image for this
    path stay valid (canaries go into new modules, canaries.py)."""
    suite = config["suite"]
    shutil.copytree(config["image_suite"], suite, copy_function=shutil.copy2)
    for base, _dirs, files in os.walk(suite):
        os.chmod(base, 0o755)
        for name in files:
            os.chmod(os.path.join(base, name), 0o644)
    try:
        return canaries.plant(suite, config["canary_catalog"])
    except Exception:  # a canary bug must not cost the candidate the run
        return []  # plant left nothing behind: the run goes on with the tripwire alone


def main():
    with open(CONFIG, encoding="utf-8") as handle:
        config = json.load(handle)
    privileges.require_root()
    privileges.clear_bounding_set()
    events_r, events_w = os.pipe()
    output_r, output_w = os.pipe()
    go_r, go_w = os.pipe()
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": "/tmp",
        "LANG": "C.UTF-8",
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
        "TAKEHOME_REPORT_FD": str(events_w),
    }
    # Started before the submission exists and before the suite is copied, so that its
    # interpreter and pytest load while this process and the host still work: it runs nothing
    # until ``go`` arrives on its stdin (pytest_entry.py), and then reads end of file there,
    # as from /dev/null.
    child = subprocess.Popen(
        [sys.executable, "-I", "-B", "/opt/takehome/pytest_entry.py", CONFIG],
        stdin=go_r,
        stdout=output_w,
        stderr=output_w,
        pass_fds=(events_w,),
        env=env,
        cwd="/tmp",
        start_new_session=True,
        **privileges.child_credentials(),
    )
    os.close(go_r)
    try:  # while the child loads pytest: it reads the suite only after ``go``
        planted = prepare_suite(config)
    except BaseException:
        _kill_group(child.pid)
        raise
    if not wait_for_submission():
        _kill_group(child.pid)
        return 3  # the host gave up on this container; there is nothing to run
    try:
        privileges.drop_to_wrapper()  # before any thread: capset is per thread
    except (OSError, privileges.PrivilegeError) as error:
        _kill_group(child.pid)
        sys.stderr.write(f"takehome wrapper: {error}\n")
        return 4
    os.close(events_w)
    os.close(output_w)
    events, output = Events(events_r), OutputTail(output_r)
    readers = [_start_reader(events), _start_reader(output)]
    started = time.monotonic()
    with contextlib.suppress(OSError):  # a child dead before the submission: its exit says how
        os.write(go_w, b"go\n")
    os.close(go_w)
    deadline_hit = threading.Event()

    def on_deadline():
        deadline_hit.set()
        _kill_group(child.pid)

    # A timer rather than wait(timeout=...): that one polls with sleeps of up to 50 ms.
    timer = threading.Timer(config["deadline"], on_deadline)
    timer.daemon = True
    timer.start()
    returncode = child.wait()
    timer.cancel()
    timed_out = deadline_hit.is_set()
    suite_seconds = time.monotonic() - started
    _kill_group(child.pid)  # daemons the tests left behind in the child's session
    for reader in readers:
        reader.join(timeout=1.0)
    report = {
        "takehome_report": 1,
        "python": sys.version.split()[0],
        "returncode": returncode,
        "wall_timed_out": timed_out,
        "suite_seconds": round(suite_seconds, 4),
        "events": events.lines,
        "bad_event_lines": events.bad_lines,
        "events_overflow": events.overflow,
        "canaries": planted,
        "output": output.text(),
        "output_bytes": output.total,
    }
    sys.stdout.write("\n" + MARKER + json.dumps(report, ensure_ascii=True) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())

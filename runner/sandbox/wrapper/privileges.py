"""The kernel boundary between the trusted wrapper and the candidate's test process.

The container starts as root with only CAP_SETUID, CAP_SETGID, CAP_KILL and CAP_SETPCAP (and
no-new-privileges). The wrapper first empties the capability bounding set (what CAP_SETPCAP
is for), so nothing it starts can ever hold a capability. The pytest child is started under
SANDBOX_UID with no supplementary groups; crossing from uid 0 to another uid clears every
capability, and no-new-privileges keeps exec from granting any back. Right after the child
exists, the wrapper moves to its own WRAPPER_UID and keeps CAP_KILL alone (to stop the
child's process group at the deadline). Different uids mean the candidate's code can
neither signal the wrapper (nor PID 1, which stays root) nor open its /proc entries,
descriptors or memory, nor ptrace it; changing uid also makes the wrapper non-dumpable, so
its /proc files belong to root.

Standard library only: this runs inside the run image.
"""

import ctypes
import os

SANDBOX_UID = 65534
SANDBOX_GID = 65534
WRAPPER_UID = 65533
WRAPPER_GID = 65533
CAP_KILL = 5
_PR_SET_KEEPCAPS = 8
_PR_CAPBSET_DROP = 24
_PR_SET_DUMPABLE = 4
_LINUX_CAPABILITY_VERSION_3 = 0x20080522


class PrivilegeError(RuntimeError):
    """The boundary could not be set up: the run must not go on."""


class _Header(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _Data(ctypes.Structure):
    _fields_ = [
        ("effective", ctypes.c_uint32),
        ("permitted", ctypes.c_uint32),
        ("inheritable", ctypes.c_uint32),
    ]


def _libc():
    return ctypes.CDLL(None, use_errno=True)


def require_root():
    """The run tree must be owned by someone other than the candidate's uid."""
    if os.geteuid() != 0:
        raise PrivilegeError(f"the wrapper must start as root, not uid {os.geteuid()}")


def clear_bounding_set():
    """Empty the bounding set; the wrapper's own permitted set is not touched by this."""
    libc = _libc()
    with open("/proc/sys/kernel/cap_last_cap", encoding="ascii") as handle:
        last = int(handle.read())
    for cap in range(last + 1):
        if libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise PrivilegeError(f"prctl(PR_CAPBSET_DROP, {cap}) failed: {ctypes.get_errno()}")


def child_credentials():
    """Keyword arguments of subprocess.Popen that start the child as the sandbox user."""
    return {"user": SANDBOX_UID, "group": SANDBOX_GID, "extra_groups": []}


def drop_to_wrapper():
    """Become WRAPPER_UID with CAP_KILL only. Call before any thread starts: capset acts on
    the calling thread alone."""
    libc = _libc()
    if libc.prctl(_PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0:
        raise PrivilegeError(f"prctl(PR_SET_KEEPCAPS) failed: errno {ctypes.get_errno()}")
    os.setgroups([])
    os.setresgid(WRAPPER_GID, WRAPPER_GID, WRAPPER_GID)
    os.setresuid(WRAPPER_UID, WRAPPER_UID, WRAPPER_UID)
    header = _Header(_LINUX_CAPABILITY_VERSION_3, 0)
    data = (_Data * 2)()
    data[0].effective = data[0].permitted = 1 << CAP_KILL
    if libc.capset(ctypes.byref(header), data) != 0:
        raise PrivilegeError(f"capset failed: errno {ctypes.get_errno()}")
    libc.prctl(_PR_SET_KEEPCAPS, 0, 0, 0, 0)
    libc.prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0)  # the uid change did it already; say it anyway
    status = _status()
    held = {key: int(status.get(key, "-1"), 16) for key in ("CapEff", "CapPrm", "CapBnd")}
    wanted = {"CapEff": 1 << CAP_KILL, "CapPrm": 1 << CAP_KILL, "CapBnd": 0}
    if status.get("Uid", "").split() != [str(WRAPPER_UID)] * 4 or held != wanted:
        raise PrivilegeError(f"the wrapper still holds uid {status.get('Uid')}, {held}")


def _status():
    with open("/proc/self/status", encoding="ascii") as handle:
        pairs = (line.split(":", 1) for line in handle if ":" in line)
        return {key: value.strip() for key, value in pairs}

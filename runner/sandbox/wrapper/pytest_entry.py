"""Child process: runs the hidden suite with the grader's own pytest configuration.

Started as ``python3 -I -B pytest_entry.py CONFIG``: isolated mode ignores PYTHON* variables,
the user site and the current directory, so nothing of the candidate's is imported before
the suite asks for it.
"""

import json
import os
import sys

sys.path.insert(0, "/opt/takehome")

import pytest
import takehome_plugin

# Built-in plugins a hidden suite has no use for; not loading them saves ~10 % of a run.
UNUSED_PLUGINS = (
    "cacheprovider", "stepwise", "doctest", "junitxml", "pastebin", "nose", "setuponly",
    "setupplan",
)  # fmt: skip


def wait_for_go():
    """The wrapper starts this process before the submission is there (so that the import of
    pytest overlaps the host's work) and writes ``go`` to its stdin once it is; anything else,
    the wrapper gone, means there is nothing to run."""
    received = b""
    while len(received) < 3:
        chunk = os.read(0, 3 - len(received))
        if not chunk:
            break
        received += chunk
    return received == b"go\n"


def main():
    if not wait_for_go():
        return 3
    with open(sys.argv[1], encoding="utf-8") as handle:
        config = json.load(handle)
    takehome_plugin.TRIPWIRE = config["tripwire"]
    args = [
        *("-c", config["ini"]),
        *("--rootdir", config["suite"]),
        *(arg for name in UNUSED_PLUGINS for arg in ("-p", f"no:{name}")),
        *("-p", "pytest_timeout", "--timeout", str(config["test_timeout"])),
        *("-s", "-q", "--no-header", "--tb=short"),
        *("-W", "ignore::pytest.PytestUnknownMarkWarning"),
        config["suite"],
    ]
    return pytest.main(args, plugins=[takehome_plugin])


if __name__ == "__main__":
    sys.exit(main())

"""Child process: runs the hidden suite with the grader's own pytest configuration.

Started as ``python3 -I -B pytest_entry.py CONFIG``: isolated mode ignores PYTHON* variables,
the user site and the current directory, so nothing of the candidate's is imported before
the suite asks for it.
"""

import json
import sys

sys.path.insert(0, "/opt/takehome")

import pytest
import takehome_plugin

# Built-in plugins a hidden suite has no use for; not loading them saves ~10 % of a run.
UNUSED_PLUGINS = (
    "cacheprovider", "stepwise", "doctest", "junitxml", "pastebin", "nose", "setuponly",
    "setupplan",
)  # fmt: skip


def main():
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

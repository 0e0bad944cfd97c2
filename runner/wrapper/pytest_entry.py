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


def main():
    with open(sys.argv[1], encoding="utf-8") as handle:
        config = json.load(handle)
    takehome_plugin.TRIPWIRE = config["tripwire"]
    args = [
        "-c",
        config["ini"],
        "--rootdir",
        config["suite"],
        "-p",
        "no:cacheprovider",
        "-p",
        "no:stepwise",
        "-p",
        "pytest_timeout",
        "--timeout",
        str(config["test_timeout"]),
        "-s",
        "-q",
        "--no-header",
        "-W",
        "ignore::pytest.PytestUnknownMarkWarning",
        config["suite"],
    ]
    return pytest.main(args, plugins=[takehome_plugin])


if __name__ == "__main__":
    sys.exit(main())

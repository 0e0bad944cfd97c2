"""Similarity on a synthetic cohort: 1,000 submissions of 3 files, about 300 lines each.

Each submission is a deterministic mutation of one of the kv-store solutions (the reference,
the strong, buggy and partial samples: identifiers renamed, functions reordered, no-op
statements inserted) plus two files of generated code of its own (about 45 and 25 lines).
Ten submissions are disguised copies of another one (planted pairs). Prints the wall and CPU
time of the whole run (read, tokenise, fingerprint, index, rank) over WORKERS processes (all
cores by default) with the load average it ran under, the pairs the index counted, whether
the planted pairs rank on top; then, when ``copydetect`` is installed (``pip install
copydetect`` into the venv for the run; it is no dependency), copydetect and this grader on
the same first AGAINST submissions (copydetect compares every pair of files: all 1,000 would
take it a quarter of an hour), and the ratio. The store's index at 100,000 submissions is
``benchmarks/similarity_store.py``.

    .venv/bin/python benchmarks/similarity.py [SUBMISSIONS [WORKERS [AGAINST]]]
"""

from __future__ import annotations

import builtins
import importlib
import keyword
import os
import random
import re
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from challenges.load import CATALOG
from graders.similarity.analysis import Comparison, compare

KV = CATALOG / "kv-store"
SOURCES = [KV / "solution", KV / "samples" / "strong", KV / "samples" / "buggy",
           KV / "samples" / "partial"]  # fmt: skip
PLANTED = 10
_IDENT = re.compile(r"\b(_?[a-z][a-z_]{2,})\b")
_KEYWORDS = set(keyword.kwlist) | set(dir(builtins)) | {
    "self", "math", "time", "threading", "annotations", "contextmanager", "contextlib",
    "typing", "collections", "abc", "heapq", "dataclasses", "dataclass", "field", "Any",
    "Callable", "Iterator",
}  # fmt: skip


def mutated(text: str, rng: random.Random) -> str:
    """Names renamed (one consistent map), methods shuffled, no-op lines inserted."""
    names: dict[str, str] = {}

    def rename(match: re.Match[str]) -> str:
        word = match.group(1)
        if word in _KEYWORDS or rng.random() < 0.3:
            return word
        return names.setdefault(word, f"{word[:2]}{rng.randrange(10**6)}")

    blocks = re.split(r"\n(?=    def )", text)
    head, methods = blocks[0], blocks[1:]
    rng.shuffle(methods)
    lines = []
    for line in "\n".join([head, *methods]).splitlines():
        lines.append(line)
        stripped = line.strip()
        if stripped.startswith("return ") and rng.random() < 0.3:
            indent = line[: len(line) - len(line.lstrip())]
            lines.insert(len(lines) - 1, f"{indent}pass")
    return _IDENT.sub(rename, "\n".join(lines)) + "\n"


def _expression(rng: random.Random, names: list[str], depth: int) -> str:
    kind = rng.randrange(7 if depth > 0 else 2)
    if kind == 0:
        return rng.choice(names)
    if kind == 1:
        return str(rng.randint(0, 99))
    inner = [_expression(rng, names, depth - 1) for _ in range(2)]
    if kind == 2:
        return f"({inner[0]} {rng.choice(['+', '-', '*', '//', '%', '<<', '&'])} {inner[1]})"
    if kind == 3:
        return f"{rng.choice(['abs', 'len', 'int', 'str', 'sorted'])}({inner[0]})"
    if kind == 4:
        return f"{rng.choice(['min', 'max', 'pow', 'divmod'])}({inner[0]}, {inner[1]})"
    if kind == 5:
        return f"[{inner[0]} for {rng.choice(names)} in range({inner[1]})]"
    return f"({inner[0]} if {inner[1]} {rng.choice(['<', '>', '==', '!='])} 0 else {names[0]})"


def _statements(rng: random.Random, names: list[str], depth: int, indent: str) -> list[str]:
    lines = []
    for _ in range(rng.randint(2, 4)):
        kind = rng.randrange(6 if depth > 0 else 3)
        target, value = rng.choice(names), _expression(rng, names, 2)
        if kind == 0:
            lines.append(f"{indent}{target} = {value}")
        elif kind == 1:
            lines.append(f"{indent}{target} {rng.choice(['+', '-', '|', '^'])}= {value}")
        elif kind == 2:
            lines.append(f"{indent}print({value}, {rng.choice(names)})")
        elif kind == 3:
            lines.append(f"{indent}if {value} > {_expression(rng, names, 1)}:")
            lines += _statements(rng, names, depth - 1, indent + "    ")
            if rng.random() < 0.5:
                lines.append(f"{indent}else:")
                lines += _statements(rng, names, depth - 1, indent + "    ")
        elif kind == 4:
            lines.append(f"{indent}for {target} in range({value}):")
            lines += _statements(rng, names, depth - 1, indent + "    ")
        else:
            lines.append(f"{indent}try:")
            lines += _statements(rng, names, depth - 1, indent + "    ")
            lines.append(f"{indent}except {rng.choice(['ValueError', 'KeyError'])}:")
            lines.append(f"{indent}    {target} = {rng.randint(0, 9)}")
    return lines


def generated(rng: random.Random, functions: int = 5) -> str:
    """About 100 lines of varied Python nobody else has (random statements and expressions)."""
    lines = []
    for number in range(functions):
        names = [f"v{i}" for i in range(rng.randint(2, 4))]
        lines.append(f"def f{number}_{rng.randrange(10**6)}({', '.join(names)}):")
        lines += _statements(rng, names, 2, "    ")
        lines.append(f"    return {_expression(rng, names, 2)}")
    return "\n".join(lines) + "\n"


def cohort(root: Path, size: int) -> list[Path]:
    texts = [(source / "kvstore.py").read_text(encoding="utf-8") for source in SOURCES]
    folders = []
    for number in range(size):
        rng = random.Random(number)
        folder = root / f"s{number:04d}"
        folder.mkdir()
        (folder / "kvstore.py").write_text(mutated(texts[number % len(texts)], rng))
        (folder / "helpers.py").write_text(generated(rng, 2))
        (folder / "extras.py").write_text(generated(rng, 1))
        folders.append(folder)
    for number in range(PLANTED):  # s{k} copies s{k + size // 2}, disguised
        original, copy = folders[number + size // 2], folders[number]
        rng = random.Random(-number)
        for name in ("helpers.py", "extras.py"):
            (copy / name).write_text(mutated((original / name).read_text(), rng))
    return folders


def _cpu() -> float:
    """CPU seconds of this process and its finished children (the workers)."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _ours(folders: list[Path], workers: int) -> tuple[float, float, Comparison]:
    started, cpu_started = time.perf_counter(), _cpu()
    comparison = compare("kv-store", KV / "starter", folders, workers=workers)
    return time.perf_counter() - started, _cpu() - cpu_started, comparison


def _copydetect(root: Path, folders: list[Path], workers: int) -> str:
    """copydetect (all pairs of files) and ours on the same ``folders``: times and ratio."""
    try:
        copy_detector = importlib.import_module("copydetect").CopyDetector
    except ImportError:
        return "copydetect: not installed (pip install copydetect into the venv for this run)"
    subset = root / "copydetect"
    subset.mkdir()
    for folder in folders:
        shutil.copytree(folder, subset / folder.name)
    started = time.perf_counter()
    detector = copy_detector(test_dirs=[str(subset)], boilerplate_dirs=[str(KV / "starter")],
                            extensions=["py"], autoopen=False, silent=True)  # fmt: skip
    detector.run()
    theirs = time.perf_counter() - started
    ours, _, _ = _ours([subset / f.name for f in folders], workers)
    return (
        f"copydetect on the first {len(folders)} submissions ({3 * len(folders)} files, all "
        f"pairs): {theirs:.1f} s, ours on the same {ours:.2f} s: {theirs / ours:.0f}x"
    )


def main() -> None:
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    workers = int(sys.argv[2]) if len(sys.argv) > 2 else os.cpu_count() or 1
    against = int(sys.argv[3]) if len(sys.argv) > 3 else 200
    root = Path(tempfile.mkdtemp(prefix="similarity-bench-"))
    try:
        folders = cohort(root, size)
        files = sum(len(list(f.iterdir())) for f in folders)
        lines = sum(len(p.read_text().splitlines()) for f in folders for p in f.iterdir())
        load = os.getloadavg()[0]
        wall, cpu, comparison = _ours(folders, workers)
        report = comparison.report
        planted = {(f"s{n:04d}", f"s{n + size // 2:04d}") for n in range(PLANTED)}
        top = {(p.a, p.b) for p in report.pairs[:PLANTED]}
        all_pairs = size * (size - 1) // 2
        print(
            f"similarity: {size} submissions, {files} files ({lines / size:.0f} lines each) in "
            f"{wall:.2f} s wall, {cpu:.2f} s CPU (all processes), {workers} worker(s) "
            f"({files / wall:.0f} files/s; load average {load:.1f} on {os.cpu_count()} cores); "
            f"pairs sharing code (through the index) {report.pairs_sharing} of {all_pairs}; "
            f"{report.common_fingerprints} common fingerprints dropped; planted copies in the "
            f"top {PLANTED}: {len(top & planted)}/{PLANTED}; "
            + (_copydetect(root, folders[:against], workers) if against else "")
        )
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Similarity on a synthetic cohort: 500 submissions of 3 files each, indexed and queried.

Each submission is a deterministic mutation of one of the kv-store solutions (the reference,
the strong, buggy and partial samples: identifiers renamed, functions reordered, no-op
statements inserted) plus two files of generated code of its own (about 100 lines each).
Ten submissions are disguised copies of another one (planted pairs). Prints the files per
second and wall time of the whole run (read, tokenise, fingerprint, index, rank), the pairs
the index counted against the all-pairs count it avoided, whether the planted pairs rank on
top, and the time to look one new submission up in the index.

    .venv/bin/python benchmarks/similarity.py [SUBMISSIONS [WORKERS]]
"""

from __future__ import annotations

import builtins
import keyword
import random
import re
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from challenges.load import CATALOG
from graders.similarity.analysis import compare
from graders.similarity.documents import document
from graders.similarity.sources import source_files
from graders.similarity.starter import starter_hashes

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
        (folder / "helpers.py").write_text(generated(rng))
        (folder / "extras.py").write_text(generated(rng))
        folders.append(folder)
    for number in range(PLANTED):  # s{k} copies s{k + size // 2}, disguised
        original, copy = folders[number + size // 2], folders[number]
        rng = random.Random(-number)
        for name in ("helpers.py", "extras.py"):
            (copy / name).write_text(mutated((original / name).read_text(), rng))
    return folders


def main() -> None:
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    workers = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    root = Path(tempfile.mkdtemp(prefix="similarity-bench-"))
    try:
        folders = cohort(root, size)
        files = sum(len(list(f.iterdir())) for f in folders)
        lines = sum(len(p.read_text().splitlines()) for f in folders for p in f.iterdir())
        started, cpu_started = time.perf_counter(), time.process_time()
        comparison = compare("kv-store", KV / "starter", folders, workers=workers)
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        report = comparison.report
        planted = {(f"s{n:04d}", f"s{n + size // 2:04d}") for n in range(PLANTED)}
        top = {(p.a, p.b) for p in report.pairs[:PLANTED]}
        starter = starter_hashes(source_files(KV / "starter"))
        newcomer = root / "newcomer"
        shutil.copytree(folders[3], newcomer)
        lookup_started = time.perf_counter()
        query = document("newcomer", newcomer, "submission", starter)
        postings: dict[int, list[str]] = {}
        for name, doc in comparison.documents.items():
            for value in doc.hashes:
                postings.setdefault(value, []).append(name)
        index_built = time.perf_counter()
        hits = Counter(n for value in query.hashes for n in postings.get(value, ()))
        lookup = time.perf_counter() - index_built
        all_pairs = size * (size - 1) // 2
        print(
            f"similarity: {size} submissions, {files} files ({lines} lines) in {wall:.2f} s wall, "
            f"{cpu:.2f} s CPU in this process, {workers} worker(s) ({files / wall:.0f} files/s); "
            f"pairs counted through the index "
            f"{len(report.pairs)} of {all_pairs} (all-pairs comparisons avoided: "
            f"{all_pairs - len(report.pairs)}); {report.common_fingerprints} common fingerprints "
            f"dropped; planted copies in the top {PLANTED}: {len(top & planted)}/{PLANTED}; "
            f"one new submission looked up in {lookup * 1000:.1f} ms (fingerprinted in "
            f"{(index_built - lookup_started) * 1000:.0f} ms incl. an in-memory index rebuild; "
            f"best match {hits.most_common(1)[0][0] if hits else None})"
        )
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()

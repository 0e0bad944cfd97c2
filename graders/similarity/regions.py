"""Where two documents match: file and line ranges on both sides, the reviewer's evidence.

Each shared fingerprint pairs its first place in one document with its first place in the
other; places next to each other on both sides (within ``GAP`` lines) merge into one region.
"""

from __future__ import annotations

from dataclasses import dataclass

from graders.similarity.documents import Document
from graders.similarity.fingerprints import Fingerprint

GAP = 2
"""Lines between two matched places that still make one region."""


@dataclass
class Region:
    """A run of shared fingerprints: ``file_a`` lines ``a_lines`` match ``file_b``'s ``b_lines``."""

    file_a: str
    a_first: int
    a_last: int
    file_b: str
    b_first: int
    b_last: int
    fingerprints: int

    def extends(self, a: Fingerprint, b: Fingerprint, file_a: str, file_b: str) -> bool:
        return (
            (file_a, file_b) == (self.file_a, self.file_b)
            and self.a_first <= a.first_line <= self.a_last + GAP
            and self.b_first - GAP <= b.first_line <= self.b_last + GAP
        )


def _first_places(document: Document, wanted: frozenset[int]) -> dict[int, Fingerprint]:
    places: dict[int, Fingerprint] = {}
    for fingerprint in document.prints:
        if fingerprint.hash in wanted:
            places.setdefault(fingerprint.hash, fingerprint)
    return places


def matched_regions(a: Document, b: Document, shared: frozenset[int]) -> list[Region]:
    """The regions ``a`` and ``b`` share, largest first."""
    in_a, in_b = _first_places(a, shared), _first_places(b, shared)
    places = sorted(
        ((in_a[h], in_b[h]) for h in shared if h in in_a and h in in_b),
        key=lambda pair: (pair[0].file, pair[0].first_line, pair[1].file, pair[1].first_line),
    )
    regions: list[Region] = []
    for left, right in places:
        file_a, file_b = a.files[left.file].path, b.files[right.file].path
        region = next(
            (r for r in reversed(regions) if r.extends(left, right, file_a, file_b)), None
        )
        if region is None:
            regions.append(
                Region(file_a, left.first_line, left.last_line, file_b, right.first_line,
                       right.last_line, 1)
            )  # fmt: skip
            continue
        region.a_last = max(region.a_last, left.last_line)
        region.b_first = min(region.b_first, right.first_line)
        region.b_last = max(region.b_last, right.last_line)
        region.fingerprints += 1
    return sorted(regions, key=lambda r: (-r.fingerprints, r.file_a, r.a_first))

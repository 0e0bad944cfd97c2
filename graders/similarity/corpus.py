"""The reference corpus: known solutions, indexed the same way as submissions.

Known solutions are the challenge's ``solution/``, each ``samples/<name>/`` (a sample whose
``expected.toml`` description says it was written by an AI is labelled ``ai-written``) and
every subdirectory of a ``--known`` directory (public answers, earlier cohorts; a name
containing ``ai`` as a word, such as ``ai-chatgpt``, is labelled ``ai-written`` too).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from challenges.samples import declared_samples
from graders.similarity.errors import SimilarityError
from graders.similarity.model import KnownKind

_AI = re.compile(
    r"\bAI[- ]?(written|generated|authored)\b|\bwritten by (an? )?(AI|LLM)\b|\bLLM\b|\bChatGPT\b"
    r"|\bGPT-?\d|\bClaude\b|\bCopilot\b",
    re.IGNORECASE,
)
_AI_NAME = re.compile(r"(^|[-_.])(ai|llm|gpt|chatgpt|claude|copilot)([-_.]|$)", re.IGNORECASE)


@dataclass(frozen=True)
class KnownSolution:
    """A directory of known code, its kind, and what its author says it is."""

    name: str
    path: Path
    kind: KnownKind
    description: str = ""


def ai_written(description: str) -> bool:
    """Whether a sample's description says an AI wrote it."""
    return _AI.search(description) is not None


def challenge_solutions(root: Path) -> list[KnownSolution]:
    """The reference solution and the samples of the challenge directory ``root``."""
    found = []
    if (root / "solution").is_dir():
        found.append(KnownSolution("solution", root / "solution", "reference"))
    for sample in declared_samples(root):
        description = sample.expected.description
        labelled = sample.expected.ai_written or ai_written(description)
        kind: KnownKind = "ai-written" if labelled else "sample"
        found.append(KnownSolution(f"samples/{sample.name}", sample.path, kind, description))
    return found


def known_directory(root: Path) -> list[KnownSolution]:
    """Every subdirectory of ``root`` as a known solution (``known/<name>``)."""
    if root.is_symlink() or not root.is_dir():
        raise SimilarityError(f"{root}: not a directory of known solutions")
    found = []
    for child in sorted(root.iterdir()):
        if child.is_dir() and not child.is_symlink() and not child.name.startswith("."):
            kind: KnownKind = "ai-written" if _AI_NAME.search(child.name) else "known"
            found.append(KnownSolution(f"known/{child.name}", child, kind))
    if not found:
        raise SimilarityError(f"{root}: holds no subdirectory of known solutions")
    return found

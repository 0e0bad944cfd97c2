"""The similarity report: ranked pairs with their evidence, and each submission's nearest
known solutions. Evidence for a reviewer, never a verdict: nothing here is a score."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

KnownKind = Literal["reference", "sample", "known", "ai-written"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class MatchedRegion(_Model):
    file_a: str = Field(description="File of the first document, relative to its directory.")
    lines_a: tuple[int, int] = Field(description="First and last line matched in file_a.")
    file_b: str = Field(description="File of the second document, relative to its directory.")
    lines_b: tuple[int, int] = Field(description="First and last line matched in file_b.")
    fingerprints: int = Field(description="Shared fingerprints in this region.")


class Pair(_Model):
    a: str = Field(description="A submission, named by its directory as given.")
    b: str = Field(description="Another submission, or a known solution.")
    b_kind: Literal["submission"] | KnownKind = Field(
        description="What b is: a cohort submission or a known solution (and which kind)."
    )
    similarity: float = Field(
        ge=0, le=1, description="Shared fingerprints over the smaller fingerprint count."
    )
    shared: int = Field(description="Fingerprints both hold (starter and common ones removed).")
    percentile: float | None = Field(
        description="Share of all cohort pairs scoring lower (None for a known solution)."
    )
    regions: list[MatchedRegion] = Field(description="Where they match, largest first.")


class SubmissionSummary(_Model):
    name: str = Field(description="The submission, named by its directory as given.")
    files: int = Field(description="Files compared.")
    unparsed: list[str] = Field(description="Python files that did not parse (lexed instead).")
    fingerprints: int = Field(description="Fingerprints compared, once starter code is removed.")
    starter_fingerprints: int = Field(description="Fingerprints dropped as starter code.")
    nearest_known: list[Pair] = Field(description="The most similar known solutions.")
    resembles_ai_written: list[str] = Field(
        description="AI-written known solutions it clusters with: evidence, not a verdict."
    )


class SimilarityReport(_Model):
    schema_version: Literal[1] = Field(description="Version of this report format.")
    challenge: str = Field(description="The challenge id.")
    submissions: list[SubmissionSummary] = Field(description="Each submission, as given.")
    pairs: list[Pair] = Field(
        description="Submission pairs sharing code, most similar first (at most 5,000 listed)."
    )
    pairs_sharing: int = Field(description="Submission pairs sharing code, listed or not.")
    cohort_pairs: int = Field(description="All submission pairs, scored or not (n(n-1)/2).")
    common_fingerprints: int = Field(description="Fingerprints dropped as common to the cohort.")
    known: list[str] = Field(description="The known solutions compared against.")

"""Offline evaluation: mean recall@k and mean reciprocal rank."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from statistics import fmean

from retrieval.checks import need_int
from retrieval.index import BM25Index
from retrieval.reranking import rerank


@dataclass(frozen=True)
class Query:
    """A query and the ids of the chunks that answer it."""

    text: str
    relevant: frozenset[str]


def recall(ranked: Sequence[str], relevant: frozenset[str]) -> float:
    return len(relevant.intersection(ranked)) / len(relevant)


def reciprocal_rank(ranked: Sequence[str], relevant: frozenset[str]) -> float:
    return next((1.0 / pos for pos, cid in enumerate(ranked, 1) if cid in relevant), 0.0)


def evaluate(
    index: BM25Index, queries: Sequence[Query], k: int, rerank_depth: int | None = None
) -> dict[str, float]:
    """``{"recall@k": ..., "mrr": ...}`` averaged over ``queries``."""
    need_int(k, "k", at_least=1)
    depth = k if rerank_depth is None else need_int(rerank_depth, "rerank_depth", at_least=k)
    if not queries:
        raise ValueError("no queries")
    if any(not query.relevant for query in queries):
        raise ValueError("every query needs at least one relevant chunk id")
    recalls, ranks = [], []
    for query in queries:
        hits = index.search(query.text, depth)
        if rerank_depth is not None:
            hits = rerank(query.text, hits)[:k]
        ranked = [hit.chunk.id for hit in hits]
        recalls.append(recall(ranked, query.relevant))
        ranks.append(reciprocal_rank(ranked, query.relevant))
    return {f"recall@{k}": fmean(recalls), "mrr": fmean(ranks)}

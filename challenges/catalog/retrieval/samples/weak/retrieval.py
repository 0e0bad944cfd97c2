"""Simple retrieval library (TF-IDF ranking)."""

import math
import re
from dataclasses import dataclass

STOP_WORDS = frozenset(
    ["a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "he", "in",
     "is", "it", "its", "of", "on", "that", "the", "to", "was", "were", "will", "with"]
)


def tokenize(text):
    words = re.findall(r"\w+", text.lower())
    return [w for w in words if w not in STOP_WORDS]


@dataclass(frozen=True)
class Chunk:
    id: str
    doc_id: str
    index: int
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Hit:
    chunk: Chunk
    score: float


@dataclass(frozen=True)
class Query:
    text: str
    relevant: frozenset


def chunk(text, size, overlap, doc_id="doc"):
    # TODO overlap: for now chunks are consecutive windows of `size` words
    words = text.split()
    result = []
    for i, start in enumerate(range(0, len(words), size)):
        end = min(start + size, len(words))
        result.append(Chunk(f"{doc_id}#{i}", doc_id, i, " ".join(words[start:end]), start, end))
    return result


def chunk_documents(docs, size, overlap):
    result = []
    for doc_id, text in docs.items():
        result += chunk(text, size, overlap, doc_id)
    return result


class BM25Index:
    """Ranks chunks with TF-IDF (simpler than BM25, good enough for now)."""

    def __init__(self, chunks, k1=1.5, b=0.75):
        self.chunks = list(chunks)
        self.tokens = {c.id: tokenize(c.text) for c in self.chunks}
        self.by_id = {c.id: c for c in self.chunks}
        n = len(self.chunks)
        self.avgdl = sum(len(t) for t in self.tokens.values()) / n if n else 0.0

    def __len__(self):
        return len(self.chunks)

    def idf(self, term):
        df = sum(1 for t in self.tokens.values() if term in t)
        if df == 0:
            return 0.0
        return math.log(len(self.chunks) / df)

    def score(self, query, chunk_id):
        tokens = self.tokens[chunk_id]
        total = 0.0
        for term in tokenize(query):
            total += tokens.count(term) * self.idf(term)
        return total

    def search(self, query, k=10):
        hits = []
        for c in self.chunks:
            s = self.score(query, c.id)
            if s > 0:
                hits.append(Hit(c, s))
        hits.sort(key=lambda h: h.score, reverse=True)
        return hits[:k]


def rerank(query, hits, phrase_bonus=2.0, coverage_bonus=1.0):
    q = tokenize(query)
    out = []
    for h in hits:
        text = " ".join(tokenize(h.chunk.text))
        bonus = 0.0
        if " ".join(q) in text:
            bonus += phrase_bonus
        found = len([t for t in set(q) if t in text.split()])
        if q:
            bonus += coverage_bonus * found / len(set(q))
        out.append(Hit(h.chunk, h.score + bonus))
    out.sort(key=lambda h: h.score, reverse=True)
    return out


def evaluate(index, queries, k, rerank_depth=None):
    recall = 0.0
    mrr = 0.0
    for q in queries:
        hits = index.search(q.text, k)
        ids = [h.chunk.id for h in hits]
        recall += len([i for i in ids if i in q.relevant]) / len(q.relevant)
        for pos, i in enumerate(ids):
            if i in q.relevant:
                mrr += 1 / (pos + 1)
                break
    return {f"recall@{k}": recall / len(queries), "mrr": mrr / len(queries)}

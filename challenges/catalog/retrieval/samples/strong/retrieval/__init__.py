"""Lexical retrieval: chunking, BM25, re-ranking and offline evaluation."""

from retrieval.chunking import Chunk, chunk, chunk_documents
from retrieval.evaluation import Query, evaluate
from retrieval.index import BM25Index, Hit
from retrieval.reranking import rerank
from retrieval.text import STOP_WORDS, tokenize

__all__ = [
    "STOP_WORDS",
    "BM25Index",
    "Chunk",
    "Hit",
    "Query",
    "chunk",
    "chunk_documents",
    "evaluate",
    "rerank",
    "tokenize",
]

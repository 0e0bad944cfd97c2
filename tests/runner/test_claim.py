"""The idempotency key of a request, from a real git repository (no engine needed)."""

from __future__ import annotations

from pathlib import Path

from challenges.load import Challenge
from runner.pipeline import GradeRequest
from runner.queue.claim import request_key
from runner.sandbox.run_images import RunImage
from tests.conftest import RepoFactory, git
from tests.runner.test_intake import options


def _key(repo: Path, challenge: Challenge, image: RunImage) -> tuple[str, str | None]:
    request = GradeRequest(str(repo), challenge, submission_id="alice")
    return request_key(request, image, options())


def test_workers_that_built_the_same_image_agree_on_the_key(make_repo: RepoFactory, kv_store):
    repo = make_repo({"kvstore.py": "VALUE = 1\n"})
    here = RunImage(tag="takehome-run/kv-store:0123456789abcdef", id="sha256:aaa", base="b")
    there = RunImage(tag=here.tag, id="sha256:bbb", base="b")  # built again on another host
    assert _key(repo, kv_store, here) == _key(repo, kv_store, there)
    other = RunImage(tag="takehome-run/kv-store:fedcba9876543210", id="sha256:aaa", base="b")
    assert _key(repo, kv_store, other)[0] != _key(repo, kv_store, here)[0]


def test_a_new_push_gives_a_new_key(make_repo: RepoFactory, kv_store):
    repo = make_repo({"kvstore.py": "VALUE = 1\n"})
    image = RunImage(tag="takehome-run/kv-store:0123456789abcdef", id="sha256:aaa", base="b")
    before, head = _key(repo, kv_store, image)
    assert head == git(repo, "rev-parse", "HEAD")
    (repo / "kvstore.py").write_text("VALUE = 2\n")
    git(repo, "commit", "-qam", "second")
    after, new_head = _key(repo, kv_store, image)
    assert new_head != head
    assert after != before

"""Base and run images against the real engine: resolution order, reuse, content-hash tags."""

from __future__ import annotations

import shutil

import pytest

from challenges.load import load_challenge
from graders.registry import available
from runner.errors import ImageError
from runner.sandbox import base_image
from runner.sandbox.base_image import ensure_base_image
from runner.sandbox.run_images import ensure_run_image, image_tag
from tests.conftest import BASE_IMAGE, CATALOG

pytestmark = pytest.mark.docker


def test_a_present_base_image_is_used_as_it_is(engine):
    assert ensure_base_image(engine, BASE_IMAGE) == engine.images.get(BASE_IMAGE).id


def test_a_missing_base_image_that_cannot_be_pulled_or_built_says_how_to_provide_one(
    engine, monkeypatch
):
    monkeypatch.setattr(base_image, "can_debootstrap", lambda: False)
    # a registry on a loopback port nobody listens on: the pull fails without leaving the host
    with pytest.raises(ImageError, match="cannot be pulled") as raised:
        ensure_base_image(engine, "127.0.0.1:1/takehome-missing:none")
    message = str(raised.value)
    assert "cannot be pulled" in message
    assert "TAKEHOME_BASE_IMAGE" in message


def test_the_run_image_is_built_once_and_reused(engine, kv_store, kv_image):
    again = ensure_run_image(engine, kv_store, BASE_IMAGE)
    assert again == kv_image
    labels = engine.images.get(kv_image.tag).labels
    assert labels["takehome.challenge"] == "kv-store"


def test_the_tag_follows_the_hidden_suite(engine, kv_store, tmp_path):
    copy = tmp_path / "kv-store"
    shutil.copytree(kv_store.root, copy)
    base_id = engine.images.get(BASE_IMAGE).id
    same = load_challenge(copy, available())
    assert image_tag(same, base_id) == image_tag(kv_store, base_id)
    with (copy / "tests" / "test_core.py").open("a") as handle:
        handle.write("\n# changed\n")
    changed = load_challenge(copy, available())
    assert image_tag(changed, base_id) != image_tag(kv_store, base_id)


def test_a_failing_setup_step_names_the_challenge_and_the_error(engine, kv_store, tmp_path):
    copy = tmp_path / "kv-store"
    shutil.copytree(kv_store.root, copy)
    toml = copy / "challenge.toml"
    toml.write_text(toml.read_text().replace("setup = []", 'setup = ["exit 7"]'))
    with pytest.raises(ImageError, match="building the image of kv-store failed"):
        ensure_run_image(engine, load_challenge(copy, available()), BASE_IMAGE)


def test_a_suite_that_cannot_be_collected_against_the_reference_fails_the_build(engine, tmp_path):
    kv_copy = tmp_path / "kv"
    shutil.copytree(CATALOG / "kv-store", kv_copy)
    (kv_copy / "solution" / "kvstore.py").rename(kv_copy / "solution" / "kv_store.py")
    challenge = load_challenge(kv_copy, available())
    with pytest.raises(ImageError, match="cannot be collected against the reference") as raised:
        ensure_run_image(engine, challenge, BASE_IMAGE)
    assert "No module named 'kvstore'" in str(raised.value)
    assert "\n" not in str(raised.value)
    leftovers = engine.containers.list(all=True, filters={"label": "takehome=collect"})
    assert leftovers == []


def test_the_image_carries_what_pytest_collected(engine, kv_store):
    image = ensure_run_image(engine, kv_store, BASE_IMAGE)
    assert image.inventory == kv_store.tests  # the bundled suite reads the same either way
    assert "takehome.inventory" in engine.images.get(image.tag).labels
    found = {i.id for i in engine.images.list(filters={"label": "takehome=collect"})}
    assert found == set()  # the collect stage is removed once its list is read


def test_a_suite_whose_collection_hangs_fails_the_build_at_the_wall_timeout(engine, tmp_path):
    kv_copy = tmp_path / "kv"
    shutil.copytree(CATALOG / "kv-store", kv_copy)
    toml = kv_copy / "challenge.toml"
    toml.write_text(toml.read_text().replace('wall_timeout = "30s"', 'wall_timeout = "2s"'))
    core = kv_copy / "tests" / "test_core.py"
    core.write_text("import time\ntime.sleep(3600)\n" + core.read_text())
    challenge = load_challenge(kv_copy, available())
    with pytest.raises(ImageError, match=r"took longer than 2 s \(the wall timeout\)"):
        ensure_run_image(engine, challenge, BASE_IMAGE)

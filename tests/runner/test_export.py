"""Writing candidate trees to the work area: tar streams, plain directories, content ids."""

from __future__ import annotations

import io
import os
import tarfile
from pathlib import Path

import pytest

from runner.errors import RepoRejected
from runner.intake.safe_export import Caps, copy_directory, extract_tar, tree_hash
from tests.hostile_trees import deep_directory, remove_tree

SECRET = "host-secret-3f9a1c"

Member = tuple[str, str, object]


def tar_stream(*members: Member) -> io.BytesIO:
    """A tar archive in memory; each member is (name, kind, payload)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for name, kind, payload in members:
            info = tarfile.TarInfo(name)
            info.mode = 0o755 if kind == "dir" else 0o644
            if kind == "file":
                data = payload if isinstance(payload, bytes) else str(payload).encode()
                info.size = len(data)
                archive.addfile(info, io.BytesIO(data))
                continue
            info.type = {
                "dir": tarfile.DIRTYPE,
                "symlink": tarfile.SYMTYPE,
                "hardlink": tarfile.LNKTYPE,
                "fifo": tarfile.FIFOTYPE,
                "chardev": tarfile.CHRTYPE,
                "blockdev": tarfile.BLKTYPE,
            }[kind]
            if kind in {"symlink", "hardlink"}:
                info.linkname = str(payload)
            if kind in {"chardev", "blockdev"}:
                info.devmajor, info.devminor = 1, 3
            archive.addfile(info)
    buffer.seek(0)
    return buffer


def everything(root: Path) -> set[str]:
    """Every path under ``root`` (links listed, never followed)."""
    return {
        (Path(base) / name).relative_to(root).as_posix()
        for base, dirs, files in os.walk(root, followlinks=False)
        for name in [*dirs, *files]
    }


def assert_stays_inside(dest: Path) -> None:
    """Nothing under ``dest`` resolves to a place outside it."""
    root = dest.resolve()
    for relative in everything(dest):
        resolved = (dest / relative).resolve()
        assert resolved == root or root in resolved.parents, f"{relative} leaves the tree"


def readable_bytes(root: Path) -> bytes:
    """The bytes a host-side reader gets from every regular file, links never followed."""
    chunks = []
    for relative in sorted(everything(root)):
        path = root / relative
        if path.is_file() and not path.is_symlink():
            chunks.append(path.read_bytes())
    return b"".join(chunks)


@pytest.fixture
def dest(tmp_path: Path) -> Path:
    """A destination two levels deep, so ``../..`` would land inside tmp_path where we can look."""
    return tmp_path / "work" / "job" / "tree"


@pytest.fixture
def outside_before(tmp_path: Path) -> set[str]:
    (tmp_path / "work" / "job").mkdir(parents=True)
    return everything(tmp_path)


def created_outside(tmp_path: Path, dest: Path, before: set[str]) -> set[str]:
    inside = dest.relative_to(tmp_path).as_posix()
    return {
        p for p in everything(tmp_path) - before if p != inside and not p.startswith(inside + "/")
    }


# --- extract_tar -----------------------------------------------------------------------------


def test_extract_writes_files_dirs_and_links_that_stay_inside(dest):
    stats = extract_tar(
        tar_stream(
            ("pkg/", "dir", None),
            ("pkg/store.py", "file", "def get(): ...\n"),
            ("pkg/alias.py", "symlink", "store.py"),
            ("docs", "symlink", "pkg"),
            ("README.md", "file", "# kv-store\n"),
            ("notes/up.md", "symlink", "../README.md"),
        ),
        dest,
        Caps(),
    )
    assert (dest / "pkg").is_dir()
    assert (dest / "pkg" / "store.py").read_text() == "def get(): ...\n"
    assert (dest / "README.md").read_text() == "# kv-store\n"
    assert (dest / "pkg" / "alias.py").is_symlink()
    assert os.readlink(dest / "pkg" / "alias.py") == "store.py"
    assert os.readlink(dest / "docs") == "pkg"
    assert os.readlink(dest / "notes" / "up.md") == "../README.md"
    assert stats.dropped_links == []
    assert stats.files == 6
    assert stats.bytes == len("def get(): ...\n") + len("# kv-store\n")


def test_links_leaving_the_tree_are_dropped_and_listed(tmp_path, dest, outside_before):
    stats = extract_tar(
        tar_stream(
            ("app.py", "file", "print('hi')\n"),
            ("leak", "symlink", "/etc/passwd"),
            ("up", "symlink", "../../.."),
            ("sub/", "dir", None),
            ("sub/parent", "symlink", "../.."),
            ("sub/sneaky", "symlink", "../sub/../../x"),
            ("sub/ok", "symlink", "../app.py"),
        ),
        dest,
        Caps(),
    )
    assert sorted(stats.dropped_links) == ["leak", "sub/parent", "sub/sneaky", "up"]
    for name in ["leak", "up", "sub/parent", "sub/sneaky"]:
        assert not os.path.lexists(dest / name)
    assert os.readlink(dest / "sub" / "ok") == "../app.py"
    assert created_outside(tmp_path, dest, outside_before) == set()
    assert_stays_inside(dest)


def test_links_that_escape_only_through_other_links_are_dropped(tmp_path, dest):
    """Each link looks inside on its own, together they reach the host's /etc/passwd."""
    deep = "/".join(f"d{i}" for i in range(12))
    up_to_root = "/".join([".."] * 12)
    stats = extract_tar(
        tar_stream(
            (f"{deep}/a.py", "symlink", "b/etc/passwd"),
            (f"{deep}/b", "symlink", "c/" + "/".join([".."] * 13)),
            (f"{deep}/c", "symlink", up_to_root),
            (f"{deep}/d.py", "file", "x = 1\n"),
        ),
        dest,
        Caps(),
    )
    assert_stays_inside(dest)
    assert not os.path.lexists(dest / deep / "a.py")
    assert not os.path.lexists(dest / deep / "b")
    assert f"{deep}/b" in stats.dropped_links
    assert b"root:" not in readable_bytes(dest)


def test_a_file_written_through_an_escaping_link_is_rejected(tmp_path, dest, outside_before):
    with pytest.raises(RepoRejected, match=r"planted\.txt"):
        extract_tar(
            tar_stream(
                ("x/", "dir", None),
                ("x/b", "symlink", "c/../.."),
                ("x/c", "symlink", ".."),
                ("x/b/planted.txt", "file", "owned"),
            ),
            dest,
            Caps(),
        )
    assert created_outside(tmp_path, dest, outside_before) == set()


@pytest.mark.parametrize("name", ["../evil.txt", "a/../../evil.txt"])
def test_members_named_outside_the_destination_are_rejected(tmp_path, dest, outside_before, name):
    with pytest.raises(RepoRejected, match=r"evil\.txt"):
        extract_tar(tar_stream((name, "file", "owned")), dest, Caps())
    assert created_outside(tmp_path, dest, outside_before) == set()


def test_an_absolute_member_name_lands_inside(tmp_path, dest, outside_before):
    extract_tar(tar_stream(("/abs.txt", "file", "ok")), dest, Caps())
    assert (dest / "abs.txt").read_text() == "ok"
    assert created_outside(tmp_path, dest, outside_before) == set()


def test_hardlinks_are_dropped(dest):
    stats = extract_tar(
        tar_stream(
            ("app.py", "file", "x = 1\n"),
            ("same.py", "hardlink", "app.py"),
            ("passwd", "hardlink", "/etc/passwd"),
        ),
        dest,
        Caps(),
    )
    assert stats.dropped_links == ["same.py", "passwd"]
    assert everything(dest) == {"app.py"}


def test_devices_and_fifos_are_skipped(dest):
    stats = extract_tar(
        tar_stream(
            ("app.py", "file", "x = 1\n"),
            ("pipe", "fifo", None),
            ("null", "chardev", None),
            ("disk", "blockdev", None),
        ),
        dest,
        Caps(),
    )
    assert everything(dest) == {"app.py"}
    assert stats.files == 1
    assert stats.dropped_links == []


def test_the_file_count_cap_rejects_with_the_limit(dest):
    members = [(f"f{i}.py", "file", "x") for i in range(4)]
    extract_tar(tar_stream(*members[:3]), dest / "three", Caps(max_files=3))
    with pytest.raises(RepoRejected, match="more than 3 files"):
        extract_tar(tar_stream(*members), dest / "four", Caps(max_files=3))


def test_directories_and_links_count_towards_the_file_cap(dest):
    with pytest.raises(RepoRejected, match="more than 2 files"):
        extract_tar(
            tar_stream(("a/", "dir", None), ("a/x", "file", "1"), ("l", "symlink", "a")),
            dest,
            Caps(max_files=2),
        )


def test_the_byte_cap_rejects_with_the_limit_in_megabytes(dest):
    megabyte = 1024 * 1024
    extract_tar(
        tar_stream(("big.bin", "file", b"\0" * megabyte)), dest / "ok", Caps(max_bytes=megabyte)
    )
    with pytest.raises(RepoRejected, match=r"larger than 1 MB"):
        extract_tar(
            tar_stream(
                ("a.bin", "file", b"\0" * (megabyte // 2)),
                ("b.bin", "file", b"\0" * (megabyte // 2 + 1)),
            ),
            dest / "too-big",
            Caps(max_bytes=megabyte),
        )
    assert not (dest / "too-big" / "b.bin").exists(), "checked before anything is written"


def test_a_small_byte_cap_is_reported_in_bytes(dest):
    with pytest.raises(RepoRejected, match="larger than 10 bytes"):
        extract_tar(tar_stream(("a.txt", "file", "x" * 11)), dest, Caps(max_bytes=10))


# --- copy_directory ----------------------------------------------------------------------------


@pytest.fixture
def host_secret(tmp_path: Path) -> Path:
    secret = tmp_path / "outside" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text(SECRET)
    return secret


@pytest.fixture
def source(tmp_path: Path, host_secret: Path) -> Path:
    root = tmp_path / "submission"
    (root / "src").mkdir(parents=True)
    (root / "src" / "store.py").write_text("STORE = {}\n")
    (root / ".git" / "hooks").mkdir(parents=True)
    (root / ".git" / "config").write_text("[core]\n")
    (root / ".git" / "hooks" / "post-checkout").write_text("#!/bin/sh\n")
    (root / "vendor" / ".git").mkdir(parents=True)
    (root / "vendor" / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (root / "vendor" / "lib.py").write_text("LIB = 1\n")
    os.symlink("src/store.py", root / "alias.py")
    os.symlink("src", root / "code")
    os.symlink(str(host_secret), root / "absolute_secret")
    os.symlink("../outside/secret.txt", root / "relative_secret")
    os.symlink("../outside", root / "outside_dir")
    os.symlink("..", root / "src" / "up")
    os.symlink("../..", root / "src" / "escape")
    return root


def test_copy_leaves_out_git_and_keeps_inside_links_as_links(source, dest):
    stats = copy_directory(source, dest, Caps())
    assert everything(dest) == {
        "src",
        "src/store.py",
        "src/up",
        "vendor",
        "vendor/lib.py",
        "alias.py",
        "code",
    }
    assert (dest / "src" / "store.py").read_text() == "STORE = {}\n"
    assert (dest / "alias.py").is_symlink()
    assert os.readlink(dest / "alias.py") == "src/store.py"
    assert (dest / "code").is_symlink(), "a link to a directory stays a link, not a copy"
    assert os.readlink(dest / "src" / "up") == ".."
    assert sorted(stats.dropped_links) == [
        "absolute_secret",
        "outside_dir",
        "relative_secret",
        "src/escape",
    ]


def test_copy_never_reads_through_links(source, dest, host_secret):
    copy_directory(source, dest, Caps())
    assert SECRET.encode() not in readable_bytes(dest)
    assert_stays_inside(dest)


def test_copy_drops_links_that_escape_only_through_other_links(tmp_path, dest, host_secret):
    root = tmp_path / "chain"
    deep = root / "d0" / "d1"
    deep.mkdir(parents=True)
    os.symlink("b/outside/secret.txt", deep / "a.txt")
    os.symlink("c/..", deep / "b")
    os.symlink("../..", deep / "c")
    assert (root / "d0" / "d1" / "a.txt").read_text() == SECRET, "the chain does escape"
    stats = copy_directory(root, dest, Caps())
    assert_stays_inside(dest)
    assert SECRET.encode() not in readable_bytes(dest)
    assert "d0/d1/b" in stats.dropped_links


def test_copy_skips_fifos(tmp_path, dest):
    root = tmp_path / "fifo"
    root.mkdir()
    (root / "app.py").write_text("x = 1\n")
    os.mkfifo(root / "pipe")
    copy_directory(root, dest, Caps())
    assert everything(dest) == {"app.py"}


def test_copy_enforces_the_caps(tmp_path, dest):
    root = tmp_path / "many"
    root.mkdir()
    for number in range(3):
        (root / f"f{number}.py").write_text("x" * 100)
    with pytest.raises(RepoRejected, match="more than 2 files"):
        copy_directory(root, dest / "count", Caps(max_files=2))
    with pytest.raises(RepoRejected, match="larger than 250 bytes"):
        copy_directory(root, dest / "bytes", Caps(max_bytes=250))


# --- tree_hash ---------------------------------------------------------------------------------


def make_tree(root: Path, files: dict[str, bytes], links: dict[str, str] | None = None) -> Path:
    for relative, data in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_bytes(data)
    for relative, target in (links or {}).items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, root / relative)
    return root


FILES = {"app.py": b"print('hi')\n", "pkg/store.py": b"STORE = {}\n"}
LINKS = {"alias.py": "app.py"}


def test_tree_hash_is_stable_for_the_same_content(tmp_path):
    first = tree_hash(make_tree(tmp_path / "one", FILES, LINKS))
    second = tree_hash(make_tree(tmp_path / "two", FILES, LINKS))
    assert first == second
    assert first.startswith("sha256:")
    assert len(first) == len("sha256:") + 64


@pytest.mark.parametrize(
    ("files", "links"),
    [
        ({**FILES, "app.py": b"print('hI')\n"}, LINKS),
        ({**FILES, "app.py": b"print('hi')\n\n"}, LINKS),
        ({"app.py": FILES["app.py"], "pkg/other.py": FILES["pkg/store.py"]}, LINKS),
        (FILES, {"alias.py": "pkg/store.py"}),
        (FILES, {"other.py": "app.py"}),
        (FILES, {}),
        ({**FILES, "empty.txt": b""}, LINKS),
    ],
)
def test_tree_hash_changes_with_any_byte_name_or_link_target(tmp_path, files, links):
    original = tree_hash(make_tree(tmp_path / "one", FILES, LINKS))
    assert tree_hash(make_tree(tmp_path / "two", files, links)) != original


def test_tree_hash_cannot_be_forged_by_moving_bytes_between_files(tmp_path):
    one = make_tree(tmp_path / "one", {"a": b"x\0Fb\0y"})
    two = make_tree(tmp_path / "two", {"a": b"x", "b": b"y"})
    assert tree_hash(one) != tree_hash(two)


def test_tree_hash_does_not_follow_link_loops(tmp_path):
    root = make_tree(
        tmp_path / "loops", FILES, {"loop": ".", "ping": "pong", "pong": "ping", "pkg/up": ".."}
    )
    assert tree_hash(root) == tree_hash(root)
    assert tree_hash(root) != tree_hash(make_tree(tmp_path / "plain", FILES))


def test_tree_hash_does_not_read_through_links(tmp_path, host_secret):
    root = make_tree(tmp_path / "tree", FILES, {"secret": str(host_secret)})
    before = tree_hash(root)
    host_secret.write_text("changed")
    assert tree_hash(root) == before


# --- hostile shapes (SECURITY.md row 31) ---------------------------------------------------------


def test_tar_members_that_are_not_utf8_are_rejected(dest):
    name = os.fsdecode(b"bad-\xff.py")
    with pytest.raises(RepoRejected, match="not valid UTF-8: bad-"):
        extract_tar(tar_stream((name, "file", "x")), dest, Caps())


def test_tar_members_deeper_than_the_cap_are_rejected_before_writing(dest):
    deep = "/".join(["d"] * 1_500) + "/f.py"
    with pytest.raises(RepoRejected, match="deeper than 100 directories"):
        extract_tar(tar_stream(("ok.py", "file", "x"), (deep, "file", "x")), dest, Caps())
    assert everything(dest) == {"ok.py"}


def test_tar_members_with_control_characters_or_git_are_left_out(dest):
    stats = extract_tar(
        tar_stream(
            ("app.py", "file", "x"),
            ("evil\x1b[2J.py", "file", "x"),
            ("dir\x07/", "dir", None),
            ("dir\x07/inner.py", "file", "x"),
            (".git/config", "file", "[core]\n"),
            ("sub/.git", "file", "gitdir: /etc\n"),
        ),
        dest,
        Caps(),
    )
    assert everything(dest) == {"app.py"}
    assert len(stats.dropped_names) == 3
    for name in stats.dropped_names:
        assert name.isprintable(), repr(name)


def test_copy_counts_directories_against_the_file_cap(tmp_path, dest):
    root = tmp_path / "dirs"
    for number in range(5):
        (root / f"e{number}").mkdir(parents=True)
    with pytest.raises(RepoRejected, match="more than 3 files"):
        copy_directory(root, dest, Caps(max_files=3))


def test_copy_walks_a_1500_deep_tree_without_recursing(tmp_path, dest):
    root = deep_directory(tmp_path / "deep")
    try:
        with pytest.raises(RepoRejected, match="deeper than 100 directories"):
            copy_directory(root, dest, Caps())
    finally:
        remove_tree(root)
        remove_tree(dest)


def test_copy_leaves_out_names_with_control_characters(tmp_path, dest):
    root = tmp_path / "names"
    (root / "bad\x1b[31m").mkdir(parents=True)
    (root / "bad\x1b[31m" / "inner.py").write_text("x")
    (root / "app.py").write_text("x")
    (root / "tab\there.py").write_text("x")
    stats = copy_directory(root, dest, Caps())
    assert everything(dest) == {"app.py"}
    assert sorted(stats.dropped_names) == ["bad", "tab?here.py"]


def test_bytecode_caches_are_never_exported_nor_change_the_hash(tmp_path):
    """A lone ``.pyc`` would be imported in the run although nobody can read it, and a cache a
    local run writes must not make the same folder another submission."""
    root = tmp_path / "work"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "core.py").write_text("X = 1\n")
    plain = tmp_path / "plain"
    copy_directory(root, plain, Caps())
    (root / "__pycache__").mkdir()
    (root / "__pycache__" / "hidden.cpython-311.pyc").write_bytes(b"\x00" * 16)
    (root / "pkg" / "__pycache__").mkdir()
    (root / "pkg" / "__pycache__" / "core.cpython-311.pyc").write_bytes(b"\x01" * 16)
    cached = tmp_path / "cached"
    copy_directory(root, cached, Caps())
    assert everything(cached) == {"pkg", "pkg/core.py"}
    assert tree_hash(cached) == tree_hash(plain)

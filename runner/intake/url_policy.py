"""Which repository URLs may reach git at all, decided before git sees them.

Candidates control the URL, and git's URL syntax can run programs (``ext::``), read the host
(``file://``) or reach internal services. Only https on the challenge's allowed hosts passes,
plus hosts the staff explicitly trust (a self-hosted git server) and local paths given by staff.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from runner.errors import RepoRejected

Resolver = Callable[[str], list[str]]

_TRANSPORT = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*::")


def resolve_host(host: str) -> list[str]:
    """Addresses a host name resolves to (a DNS lookup; the host itself is not contacted)."""
    try:
        infos = socket.getaddrinfo(host, 443, proto=socket.IPPROTO_TCP)
        return sorted({str(info[4][0]) for info in infos})
    except OSError as error:
        raise RepoRejected(f"{host}: the host name does not resolve ({error})") from None


@dataclass(frozen=True)
class UrlPolicy:
    allowed_hosts: Collection[str]
    """https hosts candidates may submit from (the challenge's ``allowed_hosts``)."""
    trusted_hosts: Collection[str] = ()
    """host or host:port the staff trust: any of https, http, git; private addresses allowed."""
    resolver: Resolver = field(default=resolve_host)


def _public_address(text: str) -> bool:
    address = ipaddress.ip_address(text.split("%", 1)[0])
    return address.is_global and not address.is_multicast


def check_url(url: str, policy: UrlPolicy) -> str:
    """Return ``url`` if git may fetch it; raise RepoRejected with the reason otherwise."""
    if _TRANSPORT.match(url):
        raise RepoRejected(f"{url}: git remote helpers (transport::address) are not allowed")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise RepoRejected(f"{url}: not a valid URL ({error})") from None
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    if scheme == "file" or not scheme:
        raise RepoRejected(f"{url}: only https repository URLs are accepted")
    if scheme not in {"https", "http", "git"}:  # ssh://git@host/... is not about credentials
        raise RepoRejected(f"{url}: scheme {scheme!r} is not allowed: only https repository "
                           "URLs are accepted")  # fmt: skip
    if parts.username or parts.password:
        raise RepoRejected(f"{url}: credentials in the URL are not accepted")
    if not host:
        raise RepoRejected(f"{url}: the URL has no host")
    netloc = f"{host}:{port}" if port else host
    if host in policy.trusted_hosts or netloc in policy.trusted_hosts:
        if scheme not in {"https", "http", "git"}:
            raise RepoRejected(f"{url}: scheme {scheme!r} is not allowed")
        return url
    if scheme != "https":
        raise RepoRejected(f"{url}: only https repository URLs are accepted")
    if host not in {h.lower() for h in policy.allowed_hosts}:
        allowed = ", ".join(sorted(policy.allowed_hosts)) or "none"
        raise RepoRejected(f"{url}: host {host!r} is not allowed for this challenge ({allowed})")
    try:
        addresses = [str(ipaddress.ip_address(host))]
    except ValueError:
        addresses = policy.resolver(host)
    for address in addresses:
        if not _public_address(address):
            raise RepoRejected(f"{url}: {host} resolves to a non-public address ({address})")
    return url

"""Who is the client? The address behind trusted proxies, and a pseudonym for it.

Behind a load balancer every request comes from the balancer's address, so rate limits and
login lockouts need the client's own address from ``X-Forwarded-For``. That header is whatever
the client sent plus what each proxy appended, so only the part appended by proxies we run can
be believed: walking it from the right, the first address that is not one of
``TRUSTED_PROXIES`` is the client. With no trusted proxies (the default) the connecting address
is the client, and the header is ignored, so nobody can forge their way past a limit.

The site never stores a raw address. ``client_pseudonym`` turns it into a stable IPv6 address in
the private ``fd00::/8`` range, derived from an HMAC with the secret key: usable wherever a
library wants an IP address (django-axes keeps them in its tables), meaningless without the key.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(trusted: tuple[str, ...]) -> tuple[Network, ...]:
    networks = []
    for item in trusted:
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError as exc:
            raise ImproperlyConfigured(f"TRUSTED_PROXIES: {item!r} is not an IP address or network: {exc}") from exc
    return tuple(networks)


def _parse(address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(address.strip())
    except ValueError:
        return None


def _trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address, networks: tuple[Network, ...]) -> bool:
    return any(address in network for network in networks)


def client_address(request: HttpRequest) -> str:
    """The client's IP address, believing ``X-Forwarded-For`` only as far as trusted proxies go."""
    remote = request.META.get("REMOTE_ADDR", "")
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    parsed = _parse(remote)
    if not networks or parsed is None or not _trusted(parsed, networks):
        return remote
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    client = parsed
    for hop in reversed(hops):
        address = _parse(hop)
        if address is None:  # garbage can only come from the client's side of our proxies
            break
        client = address
        if not _trusted(address, networks):
            break
    return str(client)


def client_pseudonym(request: HttpRequest) -> str:
    """A stable, keyed IPv6 stand-in for the client's address (fd00::/8), never the address."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"client:{client_address(request)}".encode(), hashlib.sha256
    ).digest()
    return str(ipaddress.IPv6Address(b"\xfd" + digest[:15]))

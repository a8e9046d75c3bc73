"""The client's address behind trusted proxies, and the pseudonym stored instead of it."""

import ipaddress

import pytest
from django.core.exceptions import ImproperlyConfigured

from metsinfo.lib.clientip import client_address, client_pseudonym


@pytest.fixture
def behind(settings):
    def configure(*trusted: str) -> None:
        settings.TRUSTED_PROXIES = list(trusted)

    return configure


def request(rf, remote: str, forwarded: str | None = None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return rf.get("/", **headers)


class TestClientAddress:
    def test_without_trusted_proxies_the_header_is_ignored(self, rf, behind):
        behind()
        assert client_address(request(rf, "203.0.113.9", "198.51.100.1")) == "203.0.113.9"

    def test_a_trusted_proxy_passes_on_the_address_it_saw(self, rf, behind):
        behind("10.0.0.0/8")
        assert client_address(request(rf, "10.0.0.2", "198.51.100.7")) == "198.51.100.7"

    def test_what_the_client_wrote_before_our_proxy_is_not_believed(self, rf, behind):
        behind("10.0.0.0/8")
        forged = request(rf, "10.0.0.2", "1.2.3.4, 198.51.100.7")
        assert client_address(forged) == "198.51.100.7"

    def test_several_trusted_hops(self, rf, behind):
        behind("10.0.0.0/8", "192.0.2.10")
        assert client_address(request(rf, "10.0.0.2", "198.51.100.7, 192.0.2.10, 10.1.1.1")) == "198.51.100.7"

    def test_a_request_not_from_a_trusted_proxy_is_its_own_client(self, rf, behind):
        behind("10.0.0.0/8")
        assert client_address(request(rf, "203.0.113.9", "198.51.100.7")) == "203.0.113.9"

    @pytest.mark.parametrize("header", ["", "not-an-ip", "garbage, 999.1.1.1", " , ,"])
    def test_missing_or_garbled_headers_fall_back_to_the_nearest_address_we_trust(self, rf, behind, header):
        behind("10.0.0.0/8")
        assert client_address(request(rf, "10.0.0.2", header)) == "10.0.0.2"

    def test_ipv6(self, rf, behind):
        behind("fd00::/8")
        assert client_address(request(rf, "fd00::1", "2001:db8::5")) == "2001:db8::5"

    def test_a_bad_setting_is_named(self, rf, behind):
        behind("10.0.0.0/33")
        with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXIES"):
            client_address(request(rf, "10.0.0.2", "198.51.100.7"))


class TestPseudonym:
    def test_stable_private_and_not_the_address(self, rf, behind):
        behind()
        one = client_pseudonym(request(rf, "203.0.113.9"))
        assert one == client_pseudonym(request(rf, "203.0.113.9"))
        assert one != client_pseudonym(request(rf, "203.0.113.10"))
        assert ipaddress.IPv6Address(one) in ipaddress.ip_network("fd00::/8")
        assert "203.0.113.9" not in one

    def test_depends_on_the_secret_key(self, rf, behind, settings):
        behind()
        one = client_pseudonym(request(rf, "203.0.113.9"))
        settings.SECRET_KEY = "another secret key, for this test only, long enough to be used"
        assert client_pseudonym(request(rf, "203.0.113.9")) != one

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory, override_settings

from riskreg.client_ip import client_ip
from riskreg.env import env_networks

PROXY = "10.0.0.5"


def _request(remote_addr: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote_addr}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@override_settings(RISKREG_TRUSTED_PROXIES=[])
def test_without_trusted_proxies_the_direct_peer_is_the_client_whatever_the_header_says():
    assert client_ip(_request("203.0.113.7", forwarded="198.51.100.1")) == "203.0.113.7"


@override_settings(RISKREG_TRUSTED_PROXIES=[f"{PROXY}/32"])
def test_behind_a_trusted_proxy_the_forwarded_client_is_the_client():
    assert client_ip(_request(PROXY, forwarded="198.51.100.1")) == "198.51.100.1"


@override_settings(RISKREG_TRUSTED_PROXIES=[f"{PROXY}/32"])
def test_a_header_from_a_peer_that_is_not_a_trusted_proxy_is_ignored():
    assert client_ip(_request("203.0.113.7", forwarded="198.51.100.1")) == "203.0.113.7"


@override_settings(RISKREG_TRUSTED_PROXIES=[f"{PROXY}/32"])
def test_addresses_the_client_wrote_itself_left_of_what_the_proxy_appended_are_not_believed():
    # The client sent "X-Forwarded-For: 1.2.3.4"; the proxy appended the address it saw.
    assert client_ip(_request(PROXY, forwarded="1.2.3.4, 198.51.100.1")) == "198.51.100.1"


@override_settings(RISKREG_TRUSTED_PROXIES=["10.0.0.0/8"])
def test_a_chain_of_trusted_proxies_is_walked_to_the_first_address_that_is_not_one():
    assert client_ip(_request("10.0.0.5", forwarded="1.2.3.4, 198.51.100.1, 10.2.0.9")) == "198.51.100.1"


@override_settings(RISKREG_TRUSTED_PROXIES=[f"{PROXY}/32"])
def test_a_trusted_proxy_without_a_header_is_itself_the_peer():
    assert client_ip(_request(PROXY)) == PROXY


@override_settings(RISKREG_TRUSTED_PROXIES=[f"{PROXY}/32"])
def test_an_unreadable_forwarded_address_is_not_believed():
    assert client_ip(_request(PROXY, forwarded="198.51.100.1, <script>")) == PROXY


@override_settings(RISKREG_TRUSTED_PROXIES=["2001:db8::/32"])
@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        ("[2001:db8:ffff::1]:443, 203.0.113.9:51234", "203.0.113.9"),
        ("[2a00:1450::1]:443", "2a00:1450::1"),
        ("::ffff:198.51.100.4", "198.51.100.4"),
    ],
)
def test_ports_brackets_and_ipv4_mapped_addresses_are_read_as_the_address(forwarded, expected):
    assert client_ip(_request("2001:db8::1", forwarded=forwarded)) == expected


def test_a_peer_that_is_not_an_address_is_recorded_as_unknown():
    assert client_ip(_request("")) == "0.0.0.0"


def test_a_bad_trusted_proxy_setting_names_its_variable(monkeypatch):
    monkeypatch.setenv("RISKREG_TRUSTED_PROXIES", "10.0.0.5, caddy")

    with pytest.raises(ImproperlyConfigured, match="RISKREG_TRUSTED_PROXIES must list IP addresses"):
        env_networks("RISKREG_TRUSTED_PROXIES")


def test_trusted_proxies_are_read_as_networks(monkeypatch):
    monkeypatch.setenv("RISKREG_TRUSTED_PROXIES", "10.0.0.5, 172.18.0.0/16 ,")

    assert env_networks("RISKREG_TRUSTED_PROXIES") == ["10.0.0.5/32", "172.18.0.0/16"]


@override_settings(RISKREG_TRUSTED_PROXIES=[f"{PROXY}/32"])
def test_the_login_lockout_counts_failures_by_the_same_client_address():
    from axes.helpers import get_client_ip_address

    assert get_client_ip_address(_request(PROXY, forwarded="198.51.100.1")) == "198.51.100.1"

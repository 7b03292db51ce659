"""The client's address as every limit sees it (API throttles, sign-in lockout): X-Forwarded-For is believed
only as far as TRUSTED_PROXY_COUNT proxies appended to it (DRF's NUM_PROXIES), so a header the client
forged itself names no one."""

from rest_framework.throttling import BaseThrottle


def client_address(request) -> str:
    return BaseThrottle().get_ident(request) or ""

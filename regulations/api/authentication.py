"""Token authentication that throttles wrong tokens: a client address that sent too many is answered 429
with Retry-After (API_TOKEN_FAILURE_RATE) instead of being let to guess on, whatever token it sends next.
While the cache that counts them does not answer, tokens are checked uncounted (a token is 40 random hex digits:
guessing one is not what the count guards against most, a flood of wrong ones is)."""

import logging

from rest_framework.authentication import TokenAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed, Throttled
from rest_framework.throttling import SimpleRateThrottle

from regulations.api.throttling import let_through_unthrottled

logger = logging.getLogger(__name__)


class FailedTokenThrottle(SimpleRateThrottle):
    """Counts wrong tokens per client address (the same address DRF's anonymous throttle uses)."""

    scope = "failed_token"

    def get_cache_key(self, request, view=None):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def seconds_blocked(self, request) -> float | None:
        """How long this client must wait before sending a token again, or None if it may now."""
        self.key = self.get_cache_key(request)
        self.now = self.timer()
        try:
            counted = self.cache.get(self.key, [])
        except Exception:  # each cache backend raises its own (Redis: ConnectionError)
            let_through_unthrottled(request)
            self.history = None
            return None
        self.history = [moment for moment in counted if moment > self.now - self.duration]
        return self.wait() if len(self.history) >= self.num_requests else None

    def record_failure(self) -> None:
        if self.history is None:
            return
        self.history.insert(0, self.now)
        try:
            self.cache.set(self.key, self.history, self.duration)
        except Exception:  # as in seconds_blocked
            logger.exception("throttle counters unavailable: a wrong token went uncounted")


class ThrottledTokenAuthentication(TokenAuthentication):
    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        throttle = FailedTokenThrottle()
        wait = throttle.seconds_blocked(request)
        if wait is not None:
            raise Throttled(wait, detail="Too many wrong tokens from this address.")
        try:
            return super().authenticate(request)
        except AuthenticationFailed:
            throttle.record_failure()
            raise

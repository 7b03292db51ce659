"""The JSON API: read for everyone, write for consultants. Addresses in responses are permanent.

Views (regulations.api.views) and serializers (regulations.api.serializers) are split by domain;
every write runs in one transaction (regulations.api.mixins) and checks the revision it was based on
(regulations.history.locking), so that an outdated edit is answered 409 (regulations.api.exceptions).
"""

"""The API's serializers, one module per domain; what they share is in `base`."""

"""The API's views, one module per domain with each FilterSet beside its ViewSet (shared mixins: api.mixins)."""

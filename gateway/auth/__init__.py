"""The auth wing of the gateway (issue 17)."""

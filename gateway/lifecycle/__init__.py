"""The lifecycle wing of the gateway (issue 17)."""

"""The screening wing of the gateway (issue 17)."""

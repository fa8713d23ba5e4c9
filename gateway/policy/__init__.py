"""The policy wing of the gateway (issue 17)."""

"""The server wing of the gateway (issue 17)."""

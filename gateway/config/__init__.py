"""The config wing of the gateway (issue 17)."""

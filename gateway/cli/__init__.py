"""The cli wing of the gateway (issue 17)."""

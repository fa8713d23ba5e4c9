"""The api wing of the gateway (issue 17)."""

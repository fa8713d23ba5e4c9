"""The admin wing of the gateway (issue 17)."""

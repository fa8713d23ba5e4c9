"""Usage: what requests cost (prices) and how much of it a caller may use (rate limits, token budgets, spend)."""

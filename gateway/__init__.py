"""aigw: an AI-usage security gateway (OpenAI/Anthropic-compatible reverse proxy)."""

__version__ = "0.1.0"

"""The OpenAI and Anthropic wire formats: request text extraction and reply rendering.

Used by the echo provider and by the mock provider in ``loadtests/``; the
end-to-end tests check both against the real SDKs.
"""

"""One dialect per endpoint: everything the gateway knows of that endpoint's wire format.

``base.Dialect`` is the contract (its defaults: an answer with no text of its own that never
streams); each module here is one endpoint's format, ``choices`` what chat and legacy
completions share. An endpoint (gateway.wire.endpoints) names its dialect.
"""

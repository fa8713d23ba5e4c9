"""Control assurance: synthetic probes that prove, through the live request path, that the policy's controls work."""

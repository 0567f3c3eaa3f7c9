"""Verify Open Badges 3.0 / W3C Verifiable Credentials; a pure library (never imports issuer)."""

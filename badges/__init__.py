"""Open Badges 3.0 documents, offline JSON-LD, canonicalisation and Data Integrity proofs."""

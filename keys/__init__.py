"""Ed25519 key material, Multikey, did:key / did:web and verification-method resolution."""

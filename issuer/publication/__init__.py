"""The public documents of the service's issuers (profiles, DID documents, JWKS, status
lists), built one way for the public routes and the service's own verification."""

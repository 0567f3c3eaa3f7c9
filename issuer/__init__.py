"""microbadges issuer service: training providers issue Open Badges 3.0 microbadges.

`issuer.app.create_app()` builds the Flask application; each sub-package is one domain
(see docs/architecture.md).
"""

"""microbadges issuer service: training providers issue Open Badges 3.0 microbadges.

`create_app()` builds the Flask application (see `issuer.app`).
"""

from issuer.app import create_app

__all__ = ["create_app"]

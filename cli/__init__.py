"""The `microbadges` command line."""

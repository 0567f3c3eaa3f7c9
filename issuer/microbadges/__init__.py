"""microbadges"""

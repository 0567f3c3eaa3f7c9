"""pathways"""

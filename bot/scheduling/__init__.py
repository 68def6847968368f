"""Scheduled practice: pushes (the outbox of practice invitations), nudges, and team cadences."""

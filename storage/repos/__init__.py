"""Repositories: the only way the core reads and writes the database."""

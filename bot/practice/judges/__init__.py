"""Judges: the offline scorer, and Claude's verdict blended with it (prompt + claude + blend)."""

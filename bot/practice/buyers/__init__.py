"""Virtual buyers: the offline persona engine, and Claude in front of it (prompt + claude)."""

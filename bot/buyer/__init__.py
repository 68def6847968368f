"""Virtual buyers: the offline persona engine and (in bot/llm) Claude."""

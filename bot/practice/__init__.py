"""The practice engine: session state machine, cards and scorecards."""

"""Manager digests: every two weeks, one picture of the team and one coaching action per rep.

periods   - biweekly periods in the manager's calendar
compose   - pure computation from team aggregates to `DigestData` (model)
charts    - the PNG: team trend per behavior and a rep × behavior heat map
render    - the chat card and image, plain text, JSON and HTML
reminders - "Nudge the reps who haven't practised", under the nudge rules
service   - DigestService: build, deliver_due, and the digest's buttons
seed      - believable practice history for demo teams and the benchmark
"""

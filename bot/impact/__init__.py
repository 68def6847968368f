"""Impact measurement (issue #11): baseline assessments, holdout cohorts and the measured effect per behavior.

Pure parts: `cohorts` (who practises and who is held out), `schedule` (which
assessment is due when), `effect` (the statistics), `report` (text and JSON).
The use cases tie them to storage, the practice engine and the privacy rules,
one job each: `programmes` (start, end, members, managers' notices), `holds`
(whose practice waits, and why: one query), `assessments` (the scheduler's
side: plan, deliver through the outbox, notify managers) and `reporting` (the
effect report, the digest's section, business figures).
"""

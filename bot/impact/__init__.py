"""Impact measurement (issue #11): baseline assessments, holdout cohorts and the measured effect per behavior.

Pure parts: `cohorts` (who practises and who is held out), `schedule` (which
assessment is due when), `effect` (the statistics), `report` (text and JSON).
`service` ties them to storage, the practice engine and the privacy rules.
"""

"""Scheduled delivery: the outbox every scheduled message goes through, pushes, nudges, team cadences,
and `build.build_scheduling`, which builds the scheduler and its services once."""

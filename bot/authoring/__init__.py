"""Enablement writes its own scenarios (issue #23): drafted, tried, published to its workspace, versioned.

- library.WorkspaceLibraries: the scenarios a workspace sees, the base library plus its own.
- service.AuthoringService: the use cases (draft from a description, a form or YAML; try; publish;
  edit; discard; retire; export), with the role checks.
- claude.ClaudeDrafter and prompt: a description drafted by Claude through a forced tool, validated,
  and sent back once to fix.
The drafting rules themselves are pure and live in scenarios/drafting.py and scenarios/scrub.py.
"""

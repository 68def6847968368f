"""People: roles and the one permission check, roster import, and privacy (export, erase)."""

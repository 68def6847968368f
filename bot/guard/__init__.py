"""Guards in front of the core's work: what one person may ask of the bot per minute,
which requests count once, and which hosts may receive a platform credential.

Platform-free: adapters hand in who asked and what; the guard decides, the core replies.
"""

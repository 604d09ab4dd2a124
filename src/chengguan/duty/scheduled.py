"""The duty app's scheduled jobs (none yet: the finding escalation joins with the 督察 step)."""

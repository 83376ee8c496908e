"""The words of a session as the outcome reads them: attended or not, and whether the
worker judged engagement appropriate (guidance §8 i: 'completed' is sessions attended and
engagement appropriate). The session log writes exactly these values."""

from __future__ import annotations

ATTENDED = "attended"  # parenting_sessions.status
APPROPRIATE = "appropriate"  # parenting_sessions.engagement

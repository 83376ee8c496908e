"""What people do about deadline nudges: see what is coming (/nudges), and "Remind me
tomorrow". Sending them is conversations/notifications/ (nudges.py, nudge_sweep.py)."""

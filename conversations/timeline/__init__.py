"""A case's timeline: /case R-… and the card's Timeline (entries.py, service.py)."""

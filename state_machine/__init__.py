"""state_machine."""

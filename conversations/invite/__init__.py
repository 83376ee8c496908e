"""An admin invites someone from the phone: role, scope, name, expiry, then the link."""

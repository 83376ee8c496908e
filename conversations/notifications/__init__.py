"""Everything the service sends on its own initiative (offers, hand-overs, later outcomes and
nudges): recorded as owed with the change that causes it, sent after commit, marked sent, and
sent again while still news, each time to someone who may still receive it."""

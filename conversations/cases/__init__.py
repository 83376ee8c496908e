"""A parenting worker's cases (issue 11): the list (/cases), the case card, and what is
recorded from it: contact attempts and the first-session date."""

"""Eligibility screening, consent and the referral: a custody sergeant's few minutes."""

"""Facilitators' pages, one module per feature: the follow-up home and a contract's clause progress (suivi),
conventions, participants (with their criteria, placements, outcomes and subject-access export), the monthly
hours grid (heures), next actions, imports with preview. Views parse, check, call, render."""

"""`keepwarm doctor`: is everything keepwarm depends on in order, and if not, what to do.

`checks` holds the checks and `examine`, which runs them all; `followups` looks at
the follow-ups plugins made, `duplicates` at contacts who may be one person, both
through `reading`; `findings` is what every check reports.
"""

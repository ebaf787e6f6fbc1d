"""Interaction sources: mail and calendars read into touches (issue 18).

A source kind is provided by a plugin (`keepwarm_source_kinds`); the readers
yield `Capture`s in the shapes of `api/sources.py`, and the core alone decides
what becomes a touch: who is a contact, the direction, replies, follow-ups.
"""

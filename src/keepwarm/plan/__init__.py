"""The day's work: the agenda's rows planned under the daily capacity (`daily`).

Apart from the engine: the screen's first paint plans the stored rows before the engine or its
plugins load, and the engine's agenda, the digest and the calendar plan theirs with the same step.
"""

"""What a command or a screen does, on the engine and the store: the CLI and the TUI call the same functions.

`operations` is the one write layer (a user's edit, one transaction, then the
cadence reschedules), built on `actions`, the writes several operations share;
`forms` turns what a form holds into checked records, writing nothing;
`detail`, `queries` and `dashboard` gather what is shown (a contact or an
account, the lists and maps, the KPIs) as plain data the faces only render;
`devdata` writes a synthetic book at team scale (`keepwarm dev generate`,
the benchmarks) through the same store functions.
"""

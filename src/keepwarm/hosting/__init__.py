"""The plugin host's parts (`keepwarm.host` holds the host itself): time budgets, file trust, the runtime.

`budget` keeps a slow plugin from holding up a run; `trust` decides, as ssh does
for its keys, whether a file in the user's plugins folder may run at all;
`runtime` is the host loaded with the validated rule packs, one per session.
"""

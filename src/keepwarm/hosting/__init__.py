"""The plugin host and its parts: the host itself, time budgets, file trust, the runtime.

`host` owns pluggy's PluginManager and is the only code that calls a plugin;
`budget` keeps a slow plugin from holding up a run; `trust` decides, as ssh
does for its keys, whether a file in the user's plugins folder may run at all;
`runtime` is the host loaded with the validated rule packs, one per session.
"""

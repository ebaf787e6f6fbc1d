"""keepwarm's home on this machine: where it keeps things.

`paths` says where the database, the settings, the rules, the plugins and the
backups live (platformdirs, or all under `KEEPWARM_HOME`).

The package spans layers (docs/architecture.md): the store uses its bottom
modules, so nothing here is imported through the package itself, which holds
no code.
"""

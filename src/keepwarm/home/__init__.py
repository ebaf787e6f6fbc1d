"""keepwarm's home on this machine: where it keeps things, the user's settings, its temporary files, the clock.

`paths` says where the database, the settings, the rules, the plugins and the
backups live (platformdirs, or all under `KEEPWARM_HOME`); `settings` reads the
user's own `config.toml` there; `tempfiles` names
the hidden files written before being renamed into place, and sweeps those a
killed process left; `clock` is the one place that asks what time it is
(`KEEPWARM_NOW` pins it).

The package spans layers (docs/architecture.md): the store uses its bottom
modules, so nothing here is imported through the package itself, which holds
no code.
"""

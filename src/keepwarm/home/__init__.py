"""keepwarm on this machine: the session one run opens, the user's settings, the folders, the temporary files, the clock.

`session` is what one run works with (the database, the settings, the clock),
opened lazily; `settings` reads the user's own `config.toml`; `paths` says
where the database, the settings, the rules, the plugins and the backups live
(platformdirs, or all under `KEEPWARM_HOME`); `tempfiles` names the hidden
files written before being renamed into place, and sweeps those a killed
process left; `clock` is the one place that asks what time it is
(`KEEPWARM_NOW` pins it).

The package spans layers (docs/architecture.md): the store uses `paths`,
`clock` and `tempfiles`, and `session` uses the store. So this file holds no
code, and importing one of the bottom modules loads nothing above it.
"""

"""The plugin API: what a hook receives and returns, the hooks, the helpers for rules, sources and CalDAV.

The bottom of keepwarm's layers, above the model's alone (docs/architecture.md):
the engine, the host and the sources build on it, and it imports none of them,
so a plugin's imports never pull in the database or the engine. Plugin authors
import it through `keepwarm.plugin`, its one public path.
"""

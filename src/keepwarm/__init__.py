"""keepwarm: a keyboard-first terminal assistant for professional relationships."""

__version__ = "0.1.0"

#: The plugin interface version. A plugin may declare the versions it supports
#: (`KEEPWARM_API`); the host refuses one that needs another major version, or
#: a later minor one than this (see docs/plugins.md, "The plugin API version").
PLUGIN_API_VERSION = "1.4"

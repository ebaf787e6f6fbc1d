"""What the plugin host (`keepwarm.host`) runs plugins with: time budgets and the trust of plugin files.

`budget` keeps a slow plugin from holding up a run; `trust` decides, as ssh does
for its keys, whether a file in the user's plugins folder may run at all.
"""

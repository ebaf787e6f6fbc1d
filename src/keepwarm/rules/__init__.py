"""The rule packs: loading and validating them, and what is written from the plugins' models.

`loading` merges the shipped packs with the user's and validates each section;
`docs`, `packs` and `starter` write docs/rules.md, the shipped `rules/*.toml`
and the starter file of `keepwarm rules init` from the same models, so that
none of them can drift from the defaults the code holds.
"""

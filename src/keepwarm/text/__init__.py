"""Text as people type it and read it: control characters shown, never acted on; counts and names worded; dates parsed.

`controls` keeps other people's text from acting on a terminal (every control
character shown as `\\x` and two hex digits) and folds names for matching;
`wording` says "1 day", "3 touches", "financial approver" and cuts long text;
`dates` reads `tomorrow`, `+3d` or `next friday 9am` in the user's time zone.
"""

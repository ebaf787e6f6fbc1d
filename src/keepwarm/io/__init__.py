"""Moving people in and out: vCard and CSV imports, JSON backups, vCard export, the example data.

The importers turn a file into plain records first and then apply them in one
transaction, so a bad card or row is found before anything is written; the
CLI and the TUI call the same functions.
"""

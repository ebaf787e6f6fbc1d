"""Widgets shared by several screens: forms, dialogs, the navigation bar, the side panel."""

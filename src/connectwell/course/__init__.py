"""The course wing, for learners in JupyterLab: the widgets the lessons show (widgets.py and one
module per widget) and `connectwell lab`, which copies the course into a working folder and opens
it (lab.py, workspace.py). It stands on the linter and never imports the grading wing.

Importing this package imports nothing heavy: ipywidgets loads with the widget modules.
"""

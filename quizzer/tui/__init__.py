"""The Textual face of quizzer: the only package that imports textual.

Importing it opens nothing: `launch.run_app` loads the banks and the store, `app.make_app` builds the app.
"""

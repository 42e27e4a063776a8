"""The app's model, without the app: what nnviz's front end shows and changes.

* ``settings``: what a user chooses (``Settings``), and which changes rebuild.
* ``explorer``: a table and settings → prepared data, a network and its run.
* ``urlstate``: settings ↔ a link's query parameters.
* ``runs``: kept runs for comparison.
* ``inspector``: one training step taken apart, the seeds' steps 1–8.
* ``views``: an Explorer in, Plotly figures out (the only module here that imports Plotly).

Nothing here imports Streamlit; ``nnviz.ui`` draws it.
"""

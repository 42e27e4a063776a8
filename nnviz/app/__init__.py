"""The app's model, without the app: what nnviz's front end shows and changes.

* ``settings``: what a user chooses (``Settings``, the ``SETTINGS`` table, Play's
  settings), with ``kinds`` (a class per widget kind), ``features`` (the derived inputs a
  user picks) and ``panels`` (the tabs).
* ``explorer``: a table and settings → prepared data, a network and its run; ``notes``:
  what a change did (``Update``) and what to tell the user (``Note``).
* ``runlog``: how the current run came about and what replaying it costs; ``urlstate``:
  settings and a run ↔ a link's query parameters; ``linkreplay``: a link's run replayed.
* ``runs``: kept runs for comparison.
* ``inspector``: one training step taken apart, the seeds' steps 1–8; ``lessons``: the
  seed tutorials on the live network.
* ``views``: an Explorer in, Plotly figures out (the only module here that imports Plotly).

Nothing here imports Streamlit; ``nnviz.ui`` draws it.
"""

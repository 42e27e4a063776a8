"""The Streamlit front end, in small pieces that app.py lays out.

Only this package (and app.py) imports streamlit; everything it shows comes from
the core (``nnviz.app.explorer``) and the pure chart builders (``nnviz.charts``).
"""

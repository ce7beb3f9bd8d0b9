"""The site glue: the MkDocs plugin (:mod:`lrmath.site.mkdocs_plugin`) and notebook
execution (:mod:`lrmath.site.notebooks`). Neither the checker nor the numerics import it."""

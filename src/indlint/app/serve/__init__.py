"""``indlint serve``: a local web page and JSON API for reviewers (Starlette, the optional ``serve`` extra)."""

"""Running the site: the health endpoint, the answer while the database is unreachable, start-up checks.

It looks at the other packages from outside (the database, the search backend, the cache); nothing in
`regulations` or `search` imports it.
"""

"""One preloaded process that forks the tills' sessions: a host's memory shared by all.

Over SSH every till is its own app process. Started one by one, each imports Textual,
peewee, psycopg, argon2 and the app (tens of MiB that are the same in every process) and
pays for them again. The session server (``pdp-tui serve``) imports all of that once and
forks a session for each till that asks: the imported code and data stay shared between
the server and its sessions until a session writes to a page of them (copy on write), and
a session starts without importing anything. With 100 tills a session costs 36.7 MiB of
proportional memory (PSS) instead of 46, and shows the login screen in 0.1 s instead of 0.3
(bench/README.md, "Session server").

- ``server``: ``pdp-tui serve --socket PATH``; imports, then listens on a Unix socket that
  only its own account may use; each connection is forked at once into a session.
- ``attach``: the client, ``python -I -S .../attach.py`` (deploy/ssh/pdp-tui-attach), what
  the SSH wrapper runs when ``PDP_SESSIONS_SOCKET`` names the socket: it hands its terminal
  (file descriptors 0, 1, 2), its environment, folder and umask to the server, forwards the
  signals a terminal sends (resize, hang-up) to its session, and ends with the session's
  exit status. Without a server it runs the app itself, as before. It also holds the request
  format, which the server decodes with its ``decode_request``.
"""

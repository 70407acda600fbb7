"""One preloaded process that forks the tills' sessions: a host's memory shared by all.

Over SSH every till is its own app process. Started one by one, each imports Textual,
peewee, psycopg, argon2 and the app (tens of MiB that are the same in every process) and
pays for them again. The session server (``pdp-tui serve``) imports all of that once and
forks a session for each till that asks: the imported code and data stay shared between
the server and its children until one writes them (copy on write), so that a session's
proportional memory (PSS) is mostly its own screens and data, and it starts without
importing anything.

- ``server``: ``pdp-tui serve --socket PATH``; imports, then listens on a Unix socket that
  only its own account may use; each connection is forked at once into a session.
- ``attach``: ``python -I -m pdp_tui.session_server.attach``, what the SSH wrapper runs when
  ``PDP_SESSIONS_SOCKET`` names the socket: it hands its terminal (file descriptors 0, 1, 2),
  its environment, folder and umask to the server, forwards the signals a terminal sends
  (resize, hang-up) to its session, and ends with the session's exit status. Without a
  server it runs the app itself, as before.
The request and replies are described in ``attach``, which holds both ends of the format.
"""

"""Business rules. Every call takes the acting user; nothing here imports Textual.

Modules that touch the database import peewee, which is slow to import; the UI imports
them lazily (in workers) so that the login screen draws first.
"""

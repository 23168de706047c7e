"""The local situation picture: figures from responses, dialogues and crime counts.

Plain Python over a SQLAlchemy connection: no Flask, no templates. Every function returns
plain data (dataclasses and dicts) that the web app, the CLI and the report writers render.
"""

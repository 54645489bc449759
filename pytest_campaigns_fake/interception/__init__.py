"""Interception: botocore clients (sync and async) answered by the active fake's engine,
in process. Its modules are private (``_name.py``)."""

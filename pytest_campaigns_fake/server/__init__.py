"""Server mode: the HTTP server (h11), its control plane under ``/_fake/``, the durable state
file and its replay. It imports no plugin (tests/test_architecture.py). Its modules are
private (``_name.py``)."""

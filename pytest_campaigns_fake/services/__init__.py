"""The services served on the engine: one package per API, plus ``campaigns``, what the two
campaigns APIs share, and ``_registry``, the services a fake serves. A service imports the
engine, never the server, the surface or the plugin (tests/test_architecture.py). Their
modules are private (``_name.py``)."""

"""botocore's private corners: every botocore attribute that is not public API, each touched
by one small function in ``_botocore.py`` and listed in its ``PRIVATE_CORNERS``. The lowest
room: the engine builds botocore's own answers with it, interception wraps botocore with it.
Its modules are private (``_name.py``)."""

"""The engine: what serves any restJson botocore model (the model, the wire, validation,
faults, the journal, the clock and ids, ``Engine.answer``). It imports no service,
interception, server or surface (tests/test_architecture.py). Its modules are private
(``_name.py``)."""

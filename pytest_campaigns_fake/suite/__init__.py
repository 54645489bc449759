"""What a whole test run can do with the fake, each a pytest option: run the same suite against
another target (``_target``), record the calls and verify the fake against them (``_record``,
``_verify``), inject reproducible transient faults (``_chaos``), and report what the suite never
tested (``_coverage``)."""

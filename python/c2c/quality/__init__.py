"""Data quality with Great Expectations: the landing-zone gate and the mart checks.

- ``rules``: what the suites check and how severe a failure is, stated over the landing
  contract (``c2c.contract``), never over the simulator's files or ids.
- ``suites``: the expectation suites, generated from the rules into ``expectations/*.json``
  (versioned, shipped with the package) and loaded from there.
- ``landing`` / ``marts``: turn the landing files and the mart tables into bounded pandas
  batches (one per landing file, a fixed number of cases per mart batch).
- ``runner``: validates every batch with GX's pandas datasource, adds the batch results up per
  suite, prints one line per suite, builds Data Docs and stores ``dq_validation_results``.
- ``command``: the ``c2c quality`` command.
"""

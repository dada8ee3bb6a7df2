"""The auditor's evidence pack: `c2c audit-pack` writes a folder and a zip an auditor can file.

Every part (rules, policy, population, violations with their evidence, a seeded sample with its
event trails, the raw -> staged -> quarantine reconciliation, run metadata) is a CSV file written
by DuckDB COPY with a full ORDER BY, and a sheet of one Excel workbook; manifest.json lists the
SHA-256 and size of every file. Nothing in the pack depends on when or where it is written: the
same build, sample size and seed give byte-identical files, workbook, manifest and zip.
"""

from .pack import AuditPackError, write_audit_pack

__all__ = ["AuditPackError", "write_audit_pack"]

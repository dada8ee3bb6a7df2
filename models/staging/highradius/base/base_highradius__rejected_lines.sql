-- grain: one row per malformed line of a HighRadius extract file (file, line)
-- The CSV reader leaves malformed lines out of the rows; how they are collected depends on the
-- engine (macros/rejected_lines.sql): DuckDB's reject tables, Spark's corrupt-record column.
{%- set objects = ['hr_customer', 'hr_collector', 'hr_correspondence', 'hr_correspondence_invoice',
                   'hr_collection_activity', 'hr_promise_to_pay', 'hr_dispute', 'hr_dispute_status_history',
                   'hr_credit_review', 'hr_payment', 'hr_cash_application'] %}
{{ config(materialized='table', pre_hook=rejected_lines_pre_hooks(objects)) }}

{{ rejected_lines_select(objects) }}

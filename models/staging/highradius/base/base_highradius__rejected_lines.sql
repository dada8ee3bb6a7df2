-- grain: one row per malformed line of a HighRadius extract file (file, line)
-- The CSV reader leaves malformed lines out of the rows and records them in the connection's
-- temporary tables reject_errors / reject_scans. The pre-hooks read every object once in this
-- model's connection so that those tables hold every malformed line of the landing zone.
{%- set objects = ['hr_customer', 'hr_collector', 'hr_correspondence', 'hr_correspondence_invoice',
                   'hr_collection_activity', 'hr_promise_to_pay', 'hr_dispute', 'hr_dispute_status_history',
                   'hr_credit_review', 'hr_payment', 'hr_cash_application'] %}
{%- set hooks = [] %}
{%- for obj in objects %}
    {%- do hooks.append("create or replace temp table c2c_read_" ~ obj ~ " as select count(*) as row_count from "
                        ~ "{{ source('highradius', '" ~ obj ~ "') }}") %}
{%- endfor %}
{{ config(materialized='table', pre_hook=hooks) }}
{%- set root = var('raw_root') | string %}

with errors as (

    select * from reject_errors

),

scans as (

    select * from reject_scans

),

lines as (

    select
        scans.file_path,
        errors.line as line_number,
        min(errors.error_type) as error_type,
        min(errors.error_message) as error_message,
        min(errors.csv_line) as csv_line
    from errors
    inner join scans
        on errors.scan_id = scans.scan_id and errors.file_id = scans.file_id
    group by scans.file_path, errors.line

),

final as (

    select
        replace(file_path, '{{ root.rstrip("/") }}/', '') || ':' || cast(line_number as {{ dbt.type_string() }})
            as source_record_id,
        regexp_extract(file_path, 'highradius/([^/]+)/[^/]+$', 1) as source_table,
        replace(file_path, '{{ root.rstrip("/") }}/', '') as file_path,
        line_number,
        error_type,
        error_message,
        csv_line
    from lines

)

select * from final

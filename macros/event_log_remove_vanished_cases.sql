{#- event_log's post-hook in an incremental run: the cases whose invoice is gone (deleted in
    D365, or no longer usable) leave the log. The source of the cases is int_invoices_identified,
    or stg_byo__event_log for a log loaded with `c2c byo-log`. -#}
{% macro event_log_remove_vanished_cases() -%}
    {%- set cases = ref('stg_byo__event_log') if var('event_log_source', 'landing') == 'byo'
        else ref('int_invoices_identified') -%}
    {{- return(adapter.dispatch('event_log_remove_vanished_cases', 'credit_to_cash')(cases)) -}}
{%- endmacro %}

{% macro default__event_log_remove_vanished_cases(cases) -%}
    delete from {{ this }} where case_id not in (select case_id from {{ cases }})
{%- endmacro %}

{#- Spark (parquet tables, no DELETE): the run has already written again every company with a
    vanished case (insert_overwrite on the company_code partitions); a company none of whose
    cases is left has no rows to overwrite its partition with, so the partition is dropped. -#}
{% macro spark__event_log_remove_vanished_cases(cases) -%}
    {%- if execute -%}
        {%- set companies = run_query(
            "select distinct stored.company_code from " ~ this ~ " as stored"
            ~ " left join (select distinct company_code from " ~ cases ~ ") as live"
            ~ " on stored.company_code = live.company_code"
            ~ " where live.company_code is null and stored.company_code is not null") -%}
        {%- for row in companies.rows -%}
            {%- do run_query("alter table " ~ this ~ " drop if exists partition (company_code = '"
                ~ row[0] | replace("'", "\\'") ~ "')") -%}
            {%- do log(this ~ ": partition company_code = " ~ row[0] ~ " dropped (no case left)", info=true) -%}
        {%- endfor -%}
    {%- endif -%}
    select 1
{%- endmacro %}

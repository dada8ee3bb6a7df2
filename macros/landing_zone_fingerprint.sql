{#- The fingerprint of the landing zone a build read: SHA-256 (hex) of the lines
    "<system>/<table>/<file> <sha256 of the file's bytes>\n", one per file the sources read
    (<raw_root>/d365/*/*.parquet and <raw_root>/highradius/*/*.csv), sorted by path. The same
    value as c2c.runstamp.landing_zone_fingerprint(raw_root), which computes it from the files
    without SQL. An expression over the rows of the CTE landing_zone_fingerprint_files. -#}
{% macro landing_zone_fingerprint_files() -%}
    {{ return(adapter.dispatch('landing_zone_fingerprint_files', 'credit_to_cash')()) }}
{%- endmacro %}

{% macro default__landing_zone_fingerprint_files() -%}
    {{ exceptions.raise_compiler_error(
        "landing_zone_fingerprint_files: no implementation for the adapter '" ~ adapter.type()
        ~ "' (macros/landing_zone_fingerprint.sql has DuckDB and Spark).") }}
{%- endmacro %}

{% macro duckdb__landing_zone_fingerprint_files() -%}
    {%- set root = var('raw_root') | string -%}
    {%- set root = root.rstrip('/') -%}
    select
        regexp_extract(filename, '[^/]+/[^/]+/[^/]+$') as relative_path,
        sha256(content) as file_sha256
    from read_blob(['{{ root }}/d365/*/*.parquet', '{{ root }}/highradius/*/*.csv'])
{%- endmacro %}

{% macro spark__landing_zone_fingerprint_files() -%}
    {%- set root = var('raw_root') | string -%}
    {%- set root = root.rstrip('/') -%}
    select
        regexp_extract(path, '[^/]+/[^/]+/[^/]+$', 0) as relative_path,
        sha2(content, 256) as file_sha256
    from binaryFile.`{{ root }}/d365/*/*.parquet`
    union all
    select
        regexp_extract(path, '[^/]+/[^/]+/[^/]+$', 0) as relative_path,
        sha2(content, 256) as file_sha256
    from binaryFile.`{{ root }}/highradius/*/*.csv`
{%- endmacro %}

{#- SHA-256 (hex) of the sorted lines of the CTE landing_zone_fingerprint_files. -#}
{% macro landing_zone_fingerprint_digest() -%}
    {{ return(adapter.dispatch('landing_zone_fingerprint_digest', 'credit_to_cash')()) }}
{%- endmacro %}

{% macro default__landing_zone_fingerprint_digest() -%}
    {{ exceptions.raise_compiler_error(
        "landing_zone_fingerprint_digest: no implementation for the adapter '" ~ adapter.type() ~ "'.") }}
{%- endmacro %}

{% macro duckdb__landing_zone_fingerprint_digest() -%}
    sha256(coalesce(string_agg(relative_path || ' ' || file_sha256 || chr(10), '' order by relative_path), ''))
{%- endmacro %}

{% macro spark__landing_zone_fingerprint_digest() -%}
    sha2(coalesce(array_join(transform(array_sort(collect_list(named_struct('p', relative_path, 'h', file_sha256))),
        x -> concat(x.p, ' ', x.h, char(10))), ''), ''), 256)
{%- endmacro %}

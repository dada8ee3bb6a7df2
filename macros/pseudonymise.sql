{#- A keyed pseudonym for a person's name or id when the var `pseudonymise` is true; the value
    itself otherwise. The pseudonym is '<prefix>-' and the first 16 hex digits of
    SHA-256(<key length> ':' <key> ':' <value>): without the key it cannot be recomputed from a
    list of ids; the same key gives the same pseudonym in every build (joins across marts and
    runs hold), another key gives others (docs/privacy.md: key rotation).
    The key comes from the environment variable C2C_PSEUDONYM_KEY (the key, or the path of a
    file holding it); the dbt-duckdb plugin c2c.dbt_key_plugin hands it to DuckDB as the
    variable c2c_pseudonym_key, read here at run time with getvariable(), so that it never
    passes through Jinja and never appears in compiled SQL, the manifest, the partial-parse
    file, the run results or the logs. -#}
{% macro pseudonymise(expr, prefix) -%}
    {%- if var('pseudonymise', false) -%}
        case when {{ expr }} is null then null
            else '{{ prefix }}-' || substr({{ keyed_hash(expr) }}, 1, 16) end
    {%- else -%}
        {{ expr }}
    {%- endif -%}
{%- endmacro %}


{#- The hex SHA-256 of the framed key and value. The key's length comes first, so that key and
    value cannot be shifted into one another; a key shorter than 32 characters is an error. -#}
{% macro keyed_hash(expr) -%}
    {{ return(adapter.dispatch('keyed_hash', 'credit_to_cash')(expr)) }}
{%- endmacro %}

{% macro default__keyed_hash(expr) -%}
    {{ exceptions.raise_compiler_error("keyed pseudonyms are implemented for duckdb and spark, not " ~ target.type) }}
{%- endmacro %}

{#- The key is the DuckDB variable c2c_pseudonym_key set by c2c.dbt_key_plugin (profiles.yml);
    c2c_pseudonym_key_error holds the plugin's complaint about C2C_PSEUDONYM_KEY, if any. The
    checks run in the engine, when a pseudonym is computed: builds without pseudonyms need no key. -#}
{% macro duckdb__keyed_hash(expr) -%}
    {#- coalesce(…, ''): with a bare NULL variable in the last branch DuckDB's optimiser folds the
        whole case to NULL and the error branches never fire -#}
    {%- set key = "coalesce(getvariable('c2c_pseudonym_key'), '')" -%}
    sha256((case
            when getvariable('c2c_pseudonym_key_error') is not null then error(getvariable('c2c_pseudonym_key_error'))
            when {{ key }} = '' then error('var pseudonymise is true but the environment variable C2C_PSEUDONYM_KEY is not set: it must hold the secret pseudonym key (at least 32 characters) or the path of a file holding it (docs/privacy.md)')
            when length({{ key }}) < 32 then error('the pseudonym key given by C2C_PSEUDONYM_KEY is shorter than 32 characters')
            else cast(length({{ key }}) as varchar) || ':' || {{ key }} end
        ) || ':' || cast({{ expr }} as varchar))
{%- endmacro %}

{#- On Spark the key is a session configuration value (spark.c2c.pseudonym_key, set in the
    cluster's or the connection's configuration), substituted by Spark at run time. -#}
{% macro spark__keyed_hash(expr) -%}
    sha2(concat(
        case when length('${spark.c2c.pseudonym_key}') < 32
            then raise_error('the pseudonym key spark.c2c.pseudonym_key is shorter than 32 characters')
            else cast(length('${spark.c2c.pseudonym_key}') as string) end,
        ':', '${spark.c2c.pseudonym_key}', ':', cast({{ expr }} as string)), 256)
{%- endmacro %}

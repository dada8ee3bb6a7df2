{#- A keyed pseudonym for a person's name or id when the var `pseudonymise` is true; the value
    itself otherwise. The pseudonym is '<prefix>-' and the first 16 hex digits of
    SHA-256(<key length> ':' <key> ':' <value>): without the key it cannot be recomputed from a
    list of ids; the same key gives the same pseudonym in every build (joins across marts and
    runs hold), another key gives others (docs/privacy.md: key rotation).
    The key is read by the engine at run time from the file named by the environment variable
    C2C_PSEUDONYM_KEY_FILE, so that it never appears in compiled SQL, the manifest, the run
    results or the logs (only the file's path does). -#}
{% macro pseudonymise(expr, prefix) -%}
    {%- if var('pseudonymise', false) -%}
        case when {{ expr }} is null then null
            else '{{ prefix }}-' || substr({{ keyed_hash(expr) }}, 1, 16) end
    {%- else -%}
        {{ expr }}
    {%- endif -%}
{%- endmacro %}


{#- The path of the pseudonym key file; a compile error naming the variable when it is not set. -#}
{% macro pseudonym_key_file() -%}
    {%- set path = env_var('C2C_PSEUDONYM_KEY_FILE', '') -%}
    {%- if path | trim == '' -%}
        {{ exceptions.raise_compiler_error(
            "var pseudonymise is true but the environment variable C2C_PSEUDONYM_KEY_FILE is not set: "
            ~ "it must name a file holding the secret pseudonym key (at least 32 characters; see docs/privacy.md)") }}
    {%- endif -%}
    {{- return(path | trim) -}}
{%- endmacro %}


{#- The hex SHA-256 of the framed key and value. The key's length comes first, so that key and
    value cannot be shifted into one another; a key shorter than 32 characters is an error. -#}
{% macro keyed_hash(expr) -%}
    {{ return(adapter.dispatch('keyed_hash', 'credit_to_cash')(expr)) }}
{%- endmacro %}

{% macro default__keyed_hash(expr) -%}
    {{ exceptions.raise_compiler_error("keyed pseudonyms are implemented for duckdb and spark, not " ~ target.type) }}
{%- endmacro %}

{% macro duckdb__keyed_hash(expr) -%}
    {%- set path = pseudonym_key_file() | replace("'", "''") -%}
    sha256((
        select case
            when length(trim(content)) < 32 then error('the pseudonym key in the file named by C2C_PSEUDONYM_KEY_FILE ({{ path }}) is shorter than 32 characters')
            else cast(length(trim(content)) as varchar) || ':' || trim(content) end
        from read_text('{{ path }}')
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

{#- Pre-flight check of the landing zone, run from on-run-start: every table the dbt sources
    declare has files, and every declared column is in them. Fails the invocation with one
    line per problem before any model reads a file. Reads file names, Parquet metadata and
    the first line of each CSV file only, never the data. -#}
{% macro check_landing_zone() -%}
    {{ return(adapter.dispatch('check_landing_zone', 'credit_to_cash')()) }}
{%- endmacro %}

{% macro default__check_landing_zone() -%}
    {%- if execute -%}
        {%- do log('landing zone check skipped: not implemented for the ' ~ adapter.type() ~ ' adapter', info=true) -%}
    {%- endif -%}
    {{ return('') }}
{%- endmacro %}

{% macro duckdb__check_landing_zone() -%}
    {#- Commands that read the landing zone, and run-operation (dbt run-operation
        check_landing_zone checks a landing zone on its own). Others (seed; parse, ls,
        compile and docs run no hooks) have nothing to check. -#}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- if var('event_log_source', 'landing') == 'byo' -%}
        {%- do log('landing zone check skipped: the event log is a loaded file (var event_log_source: byo)') -%}
        {{ return('') }}
    {%- endif -%}
    {%- if flags.WHICH not in ['build', 'run', 'test', 'snapshot', 'freshness', 'retry', 'run-operation'] -%}
        {%- do log('landing zone check skipped: dbt ' ~ flags.WHICH ~ ' reads no landing files') -%}
        {{ return('') }}
    {%- endif -%}
    {%- set started = modules.datetime.datetime.now() -%}
    {%- set prefix = 'landing zone check failed: ' -%}

    {#- The tables to check, from the sources graph. A source is checked when its relation
        reads files (read_parquet / read_csv on a glob); meta.optional: true lets its files
        be absent. -#}
    {%- set tables = [] -%}
    {%- for node in graph.sources.values() | sort(attribute='unique_id') -%}
        {%- set found = modules.re.search(
            "read_(parquet|csv)\\(\\s*'((?:[^']|'')*)'", node.relation_name or '') -%}
        {%- if found -%}
            {%- do tables.append({
                'label': node.source_name ~ '/' ~ node.identifier,
                'format': found.group(1),
                'glob': found.group(2).replace("''", "'"),
                'columns': node.columns.keys() | list,
                'optional': (node.meta or {}).get('optional', false) in [true, 'true'],
                'yaml': node.original_file_path,
            }) -%}
        {%- else -%}
            {%- do log('landing zone check: source ' ~ node.unique_id ~ ' reads no files; not checked') -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if tables | length == 0 -%}
        {{ return('') }}
    {%- endif -%}

    {%- set problems = [] -%}

    {#- 1. The files of every table (glob() returns no rows, not an error, when nothing
        matches). -#}
    {%- set glob_sql -%}
        {%- for table in tables %}
        select {{ loop.index0 }} as table_index, file as file_path
        from glob('{{ table.glob | replace("'", "''") }}')
        {%- if not loop.last %} union all{% endif %}
        {%- endfor %}
    {%- endset -%}
    {%- set files = {} -%}
    {%- for row in run_query(glob_sql).rows -%}
        {%- do files.setdefault(row[0] | int, []).append(row[1]) -%}
    {%- endfor -%}
    {%- for table in tables -%}
        {%- do table.update({'files': files.get(loop.index0, []) | sort}) -%}
        {%- if table.files | length == 0 and not table.optional -%}
            {%- do problems.append({'table': table, 'text': ': no files match ' ~ table.glob}) -%}
        {%- endif -%}
    {%- endfor -%}

    {#- 2. Parquet: the columns of the files taken together, as the sources read them
        (union_by_name); only the file footers are read. A declared column absent from every
        file is a problem; columns that are not declared are allowed. -#}
    {%- set parquet = tables | selectattr('format', 'equalto', 'parquet') | selectattr('files') | list -%}
    {%- if parquet | length > 0 -%}
        {%- set describe_sql -%}
            {%- for table in parquet %}
            select {{ loop.index0 }} as table_index, column_name
            from (describe select * from read_parquet('{{ table.glob | replace("'", "''") }}', union_by_name = true))
            {%- if not loop.last %} union all{% endif %}
            {%- endfor %}
        {%- endset -%}
        {%- set found_columns = {} -%}
        {%- for row in run_query(describe_sql).rows -%}
            {%- do found_columns.setdefault(row[0] | int, []).append(row[1] | lower) -%}
        {%- endfor -%}
        {%- for table in parquet -%}
            {%- set present = found_columns.get(loop.index0, []) -%}
            {%- for column in table.columns if column | lower not in present -%}
                {%- do problems.append({'table': table, 'text': " has no column '" ~ column
                    ~ "' (files: " ~ table.glob ~ ")"}) -%}
            {%- endfor -%}
        {%- endfor -%}
    {%- endif -%}

    {#- 3. CSV: columns are read by position, so the header line of every file must be the
        declared column list, in order (names compared without quotes, blanks or letter case).
        Only the first line of each file is read (LIMIT 1 stops the scan within its first
        64 KB buffer); an empty file gives no row. The files are read in batches of 250, one
        query each: a single UNION ALL of every file costs more than linearly in the number of
        files (12,893 files: 193 s). Each file's header is compared with the declared list in
        the query; only a file whose header differs (or that has none) is examined here. -#}
    {%- set csv_files = [] -%}
    {%- for table in tables if table.format == 'csv' -%}
        {%- do table.update({'header': table.columns | map('lower') | join(',')}) -%}
        {%- for file_path in table.files -%}
            {%- do csv_files.append({'table': table, 'path': file_path, 'index': csv_files | length}) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- if csv_files | length > 0 -%}
        {%- set headers = {} -%}
        {%- set batch_size = 250 -%}
        {%- for batch in csv_files | batch(batch_size) -%}
            {%- set header_sql -%}
                select
                    file_index,
                    header_line,
                    -- the line as the check below reads it: byte-order mark, blanks around
                    -- the names and double quotes removed, lower case
                    lower(replace(
                        regexp_replace(
                            regexp_replace(ltrim(header_line, chr(65279)), '^\s+|\s+$', '', 'g'), '\s*,\s*', ',', 'g'
                        ),
                        '"', ''
                    )) as normalised_line,
                    expected_line
                from (
                {%- for file in batch %}
                (
                    select
                        {{ file.index }} as file_index,
                        line as header_line,
                        '{{ file.table.header | replace("'", "''") }}' as expected_line
                    from read_csv(
                        '{{ file.path | replace("'", "''") }}',
                        columns = {'line': 'varchar'},
                        header = false,
                        auto_detect = false,
                        delim = chr(31),
                        quote = '',
                        escape = '',
                        ignore_errors = true,
                        buffer_size = 65536,
                        max_line_size = 65536
                    )
                    limit 1
                )
                {%- if not loop.last %} union all{% endif %}
                {%- endfor %}
                ) as header_lines
            {%- endset -%}
            {%- for row in run_query(header_sql).rows -%}
                {#- a matching header is recorded as true: nothing to examine -#}
                {%- do headers.update({row[0] | int: true if row[2] == row[3] else row[1]}) -%}
            {%- endfor -%}
        {%- endfor -%}
        {#- Problems are grouped per table and kind, with the files that have them. -#}
        {%- set csv_problems = {} -%}
        {%- for file in csv_files if headers.get(file.index) is not sameas true -%}
            {%- set line = headers.get(file.index) -%}
            {%- set declared = file.table.columns | map('lower') | list -%}
            {%- set kinds = [] -%}
            {%- if line is none or line | trim == '' -%}
                {%- do kinds.append(': no header line') -%}
            {%- else -%}
                {%- set names = [] -%}
                {%- for name in line.lstrip('\ufeff').split(',') -%}
                    {%- do names.append(name | trim | replace('"', '') | lower) -%}
                {%- endfor -%}
                {%- for column in declared if column not in names -%}
                    {%- do kinds.append(" has no column '" ~ column ~ "'") -%}
                {%- endfor -%}
                {%- for name in names if name not in declared -%}
                    {%- do kinds.append(" has an undeclared column '" ~ name
                        ~ "'; CSV columns are read by position") -%}
                {%- endfor -%}
                {%- if kinds | length == 0 and names != declared -%}
                    {%- do kinds.append(': header columns are not in the declared order '
                        ~ declared | join(',') ~ '; CSV columns are read by position') -%}
                {%- endif -%}
            {%- endif -%}
            {%- for kind in kinds -%}
                {%- set key = file.table.label ~ kind -%}
                {%- if key not in csv_problems -%}
                    {%- set problem = {'table': file.table, 'text': kind, 'files': []} -%}
                    {%- do csv_problems.update({key: problem}) -%}
                    {%- do problems.append(problem) -%}
                {%- endif -%}
                {%- do csv_problems[key].files.append(file.path) -%}
            {%- endfor -%}
        {%- endfor -%}
        {%- for problem in csv_problems.values() -%}
            {%- do problem.update({'text': problem.text ~ (' (file: ' if problem.files | length == 1 else ' (files: ')
                ~ problem.files | join(', ') ~ ')'}) -%}
        {%- endfor -%}
    {%- endif -%}

    {%- set seconds = (modules.datetime.datetime.now() - started).total_seconds() -%}
    {%- set checked = tables | selectattr('files') | list -%}
    {%- set summary = checked | length ~ ' tables, '
        ~ checked | map(attribute='files') | map('length') | sum ~ ' files checked in '
        ~ '%.2f' | format(seconds) ~ ' s' -%}
    {%- if problems | length > 0 -%}
        {#- One line per problem, table by table (in the order found within a table). -#}
        {%- set lines = [] -%}
        {%- set yaml_files = [] -%}
        {%- for problem in problems | sort(attribute='table.label') -%}
            {%- do lines.append(prefix ~ problem.table.label ~ problem.text) -%}
            {%- if problem.table.yaml not in yaml_files -%}
                {%- do yaml_files.append(problem.table.yaml) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- do lines.append('landing zone check: ' ~ problems | length
            ~ (' problem' if problems | length == 1 else ' problems') ~ ' (' ~ summary
            ~ '); the required tables and columns are declared in ' ~ yaml_files | join(', ')) -%}
        {{ exceptions.raise_compiler_error(lines | join('\n')) }}
    {%- endif -%}
    {%- do log('landing zone check passed: ' ~ summary, info=true) -%}
    {{ return('') }}
{%- endmacro %}

{#- Spark reads the landing zone through tables of its catalog: each source becomes a table over
    its folder, created again at the start of every invocation that reads the landing zone (so
    that new files are seen), in the source's schema (d365, highradius). D365: Parquet, columns
    by name (mergeSchema: files may differ in their columns). HighRadius: CSV with the declared
    columns in the contract's order, every column text, header line skipped. The column checks
    of duckdb__check_landing_zone are not done on Spark yet (docs/spark.md). -#}
{% macro spark__check_landing_zone() -%}
    {%- if not execute or var('event_log_source', 'landing') == 'byo'
          or flags.WHICH not in ['build', 'run', 'test', 'snapshot', 'freshness', 'retry', 'run-operation'] -%}
        {{ return('') }}
    {%- endif -%}
    {%- set landing = graph.sources.values() | selectattr('source_name', 'in', ['d365', 'highradius'])
        | sort(attribute='unique_id') | list -%}
    {#- Spark resolves a relative path against the table's own folder in the warehouse -#}
    {%- set root = var('raw_root') | string -%}
    {%- if not (root.startswith('/') or modules.re.match('^[A-Za-z][A-Za-z0-9+.-]*:', root)) -%}
        {{ exceptions.raise_compiler_error("landing zone: on Spark the landing zone root (C2C_RAW_ROOT / var raw_root) "
            ~ "must be an absolute path or a URI (abfss://, s3a://, file:/...), got '" ~ root ~ "'") }}
    {%- endif -%}
    {%- for node in landing -%}
        {%- set relation = node.schema ~ '.' ~ node.identifier -%}
        {%- set is_csv = node.source_name == 'highradius' -%}
        {%- set folder = raw_path(node.source_name, node.identifier, 'x').rsplit('/', 1)[0] -%}
        {%- do run_query('create schema if not exists ' ~ node.schema) -%}
        {%- do run_query('drop table if exists ' ~ relation) -%}
        {%- if is_csv -%}
            {%- set columns = [] -%}
            {%- for column in node.columns.keys() -%}
                {%- do columns.append('`' ~ column ~ '` string') -%}
            {%- endfor -%}
            {#- the source leaves a malformed line out (as DuckDB's reader does); the same files
                read again keep it in _corrupt_record (base_highradius__rejected_lines) -#}
            {%- set csv_options = "path '" ~ folder ~ "', pathGlobFilter '*.csv', header 'true', sep ',', "
                ~ "quote '\"', escape '\"', encoding 'UTF-8', multiLine 'true'" -%}
            {%- do run_query('create table ' ~ relation ~ ' (' ~ columns | join(', ') ~ ') using csv options ('
                ~ csv_options ~ ", mode 'DROPMALFORMED')") -%}
            {%- do run_query('drop table if exists ' ~ relation ~ '__with_malformed') -%}
            {%- do run_query('create table ' ~ relation ~ '__with_malformed (' ~ columns | join(', ')
                ~ ', `_corrupt_record` string) using csv options (' ~ csv_options
                ~ ", mode 'PERMISSIVE', columnNameOfCorruptRecord '_corrupt_record')") -%}
        {%- else -%}
            {#- an optional table may have no folder: its columns are declared (a catalog table
                over a missing folder reads as empty); the others take the files' own types -#}
            {%- set columns = [] -%}
            {%- if (node.meta or {}).get('optional', false) in [true, 'true'] -%}
                {%- for column in node.columns.values() -%}
                    {%- do columns.append('`' ~ column.name ~ '` ' ~ column.data_type) -%}
                {%- endfor -%}
            {%- endif -%}
            {%- do run_query('create table ' ~ relation
                ~ (' (' ~ columns | join(', ') ~ ')' if columns else '')
                ~ " using parquet options (path '" ~ folder ~ "', pathGlobFilter '*.parquet', mergeSchema 'true')") -%}
        {%- endif -%}
    {%- endfor -%}
    {%- do log('landing zone: ' ~ landing | length ~ ' source tables registered in the Spark catalog', info=true) -%}
    {%- do log('on ' ~ adapter.type() ~ ' the pm4py models (pm_temporal_profile and the models reading it, '
        ~ 'pm_discovered_model, pm_variant_conformance) are disabled: they run on DuckDB (docs/spark.md)', info=true) -%}
    {{ return('') }}
{%- endmacro %}

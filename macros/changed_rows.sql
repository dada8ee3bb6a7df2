{#- Data tests limited to the rows a run changed (docs/incremental.md, "Tests on the changed rows").

    A data test whose `where` holds the marker `changed_rows()` checks, in a `dbt build` that is
    not a full refresh, only the rows whose lake time (`sinkmodifiedon` of a D365 raw table,
    `lake_modified_at` of a D365 base table or view, `extracted_at` of a HighRadius base table or
    view) is later than the last lake time that passed all such tests of its base table, minus
    var incremental_lookback_hours: the window the incremental base table reads again.
    - not_null, accepted_values, accepted_range: the rows in the window;
    - unique, unique_combination_of_columns, primary_key: every row whose key is the key of a row
      in the window, so a changed row repeating an unchanged one's key is still found;
    - reconciles_with_raw of a D365 table: the raw rows, staged rows and quarantined rows of the
      records with a raw row in the window, chosen by their recid (tests/generic/reconciles_with_raw.sql);
    - any other test, and a test on a HighRadius raw table: every row (the marker reads as true).
    The marker is set where it pays (measured, docs/benchmarks.md): the key test of each D365 raw
    table (c2c contract generate writes it) and the reconciliation of each D365 base table. On
    the base tables and staging views, whose tests read a few typed columns, finding the window
    cost more than it saved.
    Every row is checked when the run is a full refresh, `dbt test` or any command but `build`,
    when var limit_tests_to_changed_rows is false, when the base table is not incremental on the
    target, and when no lake time has passed its tests yet (a first build).
    The lake time that passed is kept per base table in <layer_schema_prefix>run_state.test_watermarks,
    written at the end of a build or test in which every limited test of that base table ran
    and passed or warned (record_test_watermarks, on-run-end). -#}

{#- The marker in a test's `where`. -#}
{% macro changed_rows_marker() -%}
    {{- return('changed_rows()') -}}
{%- endmacro %}

{#- The relation that keeps the lake time each base table's tests passed. -#}
{% macro test_watermarks_relation() -%}
    {{- return(api.Relation.create(
        database=target.database,
        schema=var('layer_schema_prefix', '') ~ 'run_state',
        identifier='test_watermarks'
    )) -}}
{%- endmacro %}

{#- The incremental base model whose lake window limits a test node, or none: the base model
    the test is on, the base model of the staging view it is on, or the base model of the raw
    table (source) it is on; none when that base model is not incremental on this target. -#}
{% macro changed_rows_base_model(test_node) -%}
    {%- set parents = test_node.depends_on.nodes if test_node.depends_on is defined else [] -%}
    {%- set names = [] -%}
    {%- for parent in parents -%}
        {%- set parts = parent.split('.') -%}
        {%- if parts[0] == 'source' and parts[2] == 'd365' -%}
            {%- do names.append('base_d365__' ~ parts[3]) -%}
        {%- elif parts[0] == 'source' -%}
            {#- a HighRadius raw row's extraction time is text: parsing it on every row to find the
                window costs more than the test it would limit, so these tests read every row -#}
            {%- do names.append(none) -%}
        {%- elif parts[0] == 'model' and parts[2].startswith('stg_') -%}
            {%- do names.append('base_' ~ parts[2][4:]) -%}
        {%- elif parts[0] == 'model' and parts[2].startswith('base_') -%}
            {%- do names.append(parts[2]) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if names | unique | list | length != 1 or names[0] is none -%}
        {{- return(none) -}}
    {%- endif -%}
    {{- return(incremental_base_model(names[0])) -}}
{%- endmacro %}

{#- The name given when it is a base model materialized incremental on this target, else none. -#}
{% macro incremental_base_model(name) -%}
    {%- set base_node = graph.nodes.get('model.' ~ project_name ~ '.' ~ name) -%}
    {%- if base_node is none or base_node.config.materialized != 'incremental' -%}
        {{- return(none) -}}
    {%- endif -%}
    {{- return(name) -}}
{%- endmacro %}

{#- The lake time of a row of the relation a test reads, as a timestamp expression. -#}
{% macro changed_rows_lake_time(test_node, base_model, alias) -%}
    {%- set on_source = [] -%}
    {%- for parent in test_node.depends_on.nodes if parent.startswith('source.') -%}
        {%- do on_source.append(parent) -%}
    {%- endfor -%}
    {%- if base_model.startswith('base_d365__') -%}
        {%- if on_source | length > 0 -%}
            {{- return(d365_timestamp(alias ~ '.sinkmodifiedon')) -}}
        {%- endif -%}
        {{- return(alias ~ '.lake_modified_at') -}}
    {%- endif -%}
    {{- return(alias ~ '.extracted_at') -}}
{%- endmacro %}

{#- The start of the lake window a test is limited to, as text, or none to check every row. -#}
{% macro changed_rows_window_start(base_model) -%}
    {%- if not execute or base_model is none or flags.WHICH != 'build' or flags.FULL_REFRESH
        or not var('limit_tests_to_changed_rows', true) -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set watermarks = test_watermarks_relation() -%}
    {%- if adapter.get_relation(database=watermarks.database, schema=watermarks.schema,
                                identifier=watermarks.identifier) is none -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set query -%}
        select cast(
            {{ dbt.dateadd('hour', - var('incremental_lookback_hours'), 'tested_through') }}
            as {{ dbt.type_string() }}
        ) as window_start
        from {{ watermarks }}
        where base_model = '{{ base_model }}'
    {%- endset -%}
    {%- set values = run_query(query).columns[0].values() -%}
    {{- return(values[0] if values | length > 0 and values[0] is not none else none) -}}
{%- endmacro %}

{#- dbt's get_where_subquery, with the marker changed_rows() read as above. -#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') or '' -%}
    {%- set marker = changed_rows_marker() -%}
    {%- if marker in where -%}
        {%- set test_name = (model.test_metadata or {}).get('name') if model.test_metadata is defined else none -%}
        {%- set kwargs = (model.test_metadata or {}).get('kwargs', {}) if model.test_metadata is defined else {} -%}
        {%- set key_columns = {
            'unique': [kwargs.get('column_name')],
            'unique_combination_of_columns': kwargs.get('combination_of_columns'),
            'primary_key': kwargs.get('columns'),
        }.get(test_name) -%}
        {%- set row_tests = ['not_null', 'accepted_values', 'accepted_range'] -%}
        {%- set base_model = changed_rows_base_model(model)
            if (test_name in row_tests or key_columns) else none -%}
        {%- set start = changed_rows_window_start(base_model) -%}
        {%- if start is none and where | trim == marker -%}
            {#- nothing to filter: the test reads the relation itself, as without a where -#}
            {{- return(relation) -}}
        {%- elif start is none -%}
            {%- set predicate = '(1 = 1)' -%}
        {%- else -%}
            {%- set in_window = lake_time_after(changed_rows_lake_time(model, base_model, 'tested_rows'), start) -%}
            {%- if key_columns -%}
                {%- set predicate -%}
                ({{ in_window }}
                or exists (
                    select 1
                    from {{ relation }} as changed_rows
                    where
                        {{ lake_time_after(changed_rows_lake_time(model, base_model, 'changed_rows'), start) }}
                        {%- for column in key_columns %}
                        and changed_rows.{{ column }} = tested_rows.{{ column }}
                        {%- endfor %}
                ))
                {%- endset -%}
            {%- else -%}
                {%- set predicate = in_window -%}
            {%- endif -%}
            {%- do log('changed rows only: ' ~ model.name ~ ' checks rows of ' ~ base_model
                ~ ' with a lake time after ' ~ start, info=false) -%}
        {%- endif -%}
        {%- set where = where | replace(marker, predicate) -%}
        {%- set filtered -%}
            (select * from {{ relation }} as tested_rows where {{ where }}) dbt_subquery
        {%- endset -%}
        {{- return(filtered) -}}
    {%- endif -%}
    {{- return(adapter.dispatch('get_where_subquery', 'dbt')(relation)) -}}
{%- endmacro %}

{#- on-run-end: for each incremental base table, when every test limited by its lake window ran in
    this `dbt build` or `dbt test` and passed (or warned: the warning is in this run's results),
    keep its latest lake time as the one its tests
    passed (a failed, skipped or unselected test leaves the previous one, so the next build checks
    those rows again). -#}
{% macro record_test_watermarks(results) -%}
    {%- if not execute or flags.WHICH not in ['build', 'test'] -%}
        {{- return('') -}}
    {%- endif -%}
    {%- set status_of = {} -%}
    {%- for result in results -%}
        {%- do status_of.update({result.node.unique_id: result.status | string}) -%}
    {%- endfor -%}
    {%- set tests_of = {} -%}
    {%- for node in graph.nodes.values() if node.resource_type == 'test' -%}
        {%- if changed_rows_marker() in (node.config.where or '') -%}
            {%- set base_model = changed_rows_base_model(node) -%}
            {%- if base_model is not none -%}
                {%- do tests_of.setdefault(base_model, []).append(node.unique_id) -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set passed = [] -%}
    {%- for base_model, tests in tests_of.items() | sort -%}
        {%- set failing = [] -%}
        {%- for test in tests if status_of.get(test) not in ['pass', 'warn'] -%}
            {%- do failing.append(test) -%}
        {%- endfor -%}
        {%- if failing | length == 0 -%}
            {%- do passed.append(base_model) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if passed | length == 0 -%}
        {{- return('') -}}
    {%- endif -%}
    {%- set watermarks = test_watermarks_relation() -%}
    {%- do adapter.create_schema(watermarks) -%}
    {%- call statement('create_test_watermarks') -%}
        create table if not exists {{ watermarks }} (
            base_model {{ dbt.type_string() }},
            tested_through {{ dbt.type_timestamp() }}
        )
    {%- endcall -%}
    {%- call statement('forget_test_watermarks') -%}
        delete from {{ watermarks }}
        where base_model in ('{{ passed | join("', '") }}')
    {%- endcall -%}
    {%- call statement('record_test_watermarks') -%}
        insert into {{ watermarks }} (base_model, tested_through)
        {%- for base_model in passed %}
        {%- set lake_column = 'lake_modified_at' if base_model.startswith('base_d365__') else 'extracted_at' %}
        select '{{ base_model }}', max({{ lake_column }})
        from {{ graph.nodes['model.' ~ project_name ~ '.' ~ base_model].relation_name }}
        {%- if not loop.last %}
        union all
        {%- endif %}
        {%- endfor %}
    {%- endcall -%}
    {%- do adapter.commit() -%}
    {%- do log('test watermarks recorded for ' ~ passed | length ~ ' base tables', info=false) -%}
    {{- return('') -}}
{%- endmacro %}

-- grain: one row per closing event of an invoice (settled, or written off) and per write-off
-- that is not the case's outcome (partially written off)
-- Which settlement closes an invoice, and whether a write-off is the outcome (it closes the
-- invoice and write-offs cover at least var write_off_materiality of it), is decided once, in
-- int_invoice_settlements. An invoice whose balance reached zero otherwise is settled at the
-- settlement that closed it, whatever its kind (payment, credit note, offset, or a write-off of
-- a non-material remainder).
with settlements as (

    select * from {{ ref('int_invoice_settlements') }}

),

closing as (

    -- the settlement that first brought the balance to zero, in settlement order
    select
        *,
        row_number() over (
            partition by case_id order by settlement_date, settled_at, settlement_record_id
        ) as closing_rank
    from settlements
    where is_closing

),

settled as (

    select
        case_id,
        'INVOICE_SETTLED' as activity_code,
        settled_at as event_timestamp,
        settled_by as resource,
        'clerk' as resource_type,
        'd365' as source_system,
        'custsettlement' as source_table,
        settlement_record_id as source_record_id,
        cast(null as {{ dbt.type_int() }}) as dunning_level,
        invoice_amount as amount,
        currency,
        cast(null as {{ dbt.type_string() }}) as reason_code
    from closing
    where closing_rank = 1 and not is_outcome_write_off

),

written_off as (

    select
        case_id,
        'INVOICE_WRITTEN_OFF' as activity_code,
        offset_created_at as event_timestamp,
        offset_created_by as resource,
        'manager' as resource_type,  -- write-off authority; event_log resolves the person's role
        'd365' as source_system,
        'custtrans' as source_table,
        offset_record_id as source_record_id,
        cast(null as {{ dbt.type_int() }}) as dunning_level,
        settled_amount as amount,
        currency,
        cast(null as {{ dbt.type_string() }}) as reason_code
    from closing
    where closing_rank = 1 and is_outcome_write_off

),

partially_written_off as (

    -- every write-off that is not the outcome, with the amount it wrote off; one event per
    -- write-off row of the ledger (a write-off split over several settlement rows counts once)
    select
        case_id,
        'INVOICE_PARTIALLY_WRITTEN_OFF' as activity_code,
        min(offset_created_at) as event_timestamp,
        min(offset_created_by) as resource,
        'manager' as resource_type,  -- write-off authority; event_log resolves the person's role
        'd365' as source_system,
        'custtrans' as source_table,
        offset_record_id as source_record_id,
        cast(null as {{ dbt.type_int() }}) as dunning_level,
        sum(settled_amount) as amount,
        min(currency) as currency,
        cast(null as {{ dbt.type_string() }}) as reason_code
    from settlements
    where settlement_kind = 'write-off'
    group by case_id, offset_record_id
    having max(case when is_outcome_write_off then 1 else 0 end) = 0

)

select * from settled
union all
select * from written_off
union all
select * from partially_written_off

-- grain: one row per closing event of an invoice: settled (balance reached zero through
-- payments or credit notes) or written off
-- Which settlement closes an invoice is decided once, in int_invoice_settlements.
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
    where closing_rank = 1 and settlement_kind <> 'write-off'  -- closed by a write-off: not settled

),

written_off as (

    select distinct
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
    from settlements
    where settlement_kind = 'write-off'

)

select * from settled
union all
select * from written_off

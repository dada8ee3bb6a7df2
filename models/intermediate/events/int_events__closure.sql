-- grain: one row per closing event of an invoice: settled (balance reached zero through
-- payments or credit notes) or written off
with invoices as (

    select * from {{ ref('int_invoices_identified') }}

),

settlements as (

    select * from {{ ref('stg_d365__custsettlement') }}

),

ledger as (

    select * from {{ ref('stg_d365__custtrans') }}

),

invoice_settlements as (

    select
        invoices.case_id,
        invoices.invoice_amount,
        invoices.currency,
        settlements.source_record_id,
        settlements.createddatetime,
        settlements.createdby,
        settlements.settleamountcur,
        offsets.transtype as offset_transtype,
        offsets.createddatetime as offset_created_at,
        offsets.createdby as offset_created_by,
        offsets.source_record_id as offset_record_id,
        sum(settlements.settleamountcur) over (
            partition by invoices.case_id
            order by settlements.createddatetime, settlements.recid
            rows between unbounded preceding and current row
        ) as settled_to_date
    from invoices
    inner join settlements
        on
            invoices.company_code = settlements.company_code
            and invoices.custtrans_recid = settlements.transrecid
    left join ledger as offsets
        on
            settlements.company_code = offsets.company_code
            and settlements.offsetrecid = offsets.recid

),

closing as (

    -- the settlement that brought the balance to zero
    select
        *,
        row_number() over (partition by case_id order by createddatetime, source_record_id) as closing_rank
    from invoice_settlements
    where settled_to_date >= invoice_amount

),

settled as (

    select
        case_id,
        'INVOICE_SETTLED' as activity_code,
        createddatetime as event_timestamp,
        createdby as resource,
        'clerk' as resource_type,
        'd365' as source_system,
        'custsettlement' as source_table,
        source_record_id,
        cast(null as {{ dbt.type_int() }}) as dunning_level,
        invoice_amount as amount,
        currency,
        cast(null as {{ dbt.type_string() }}) as reason_code
    from closing
    where closing_rank = 1 and coalesce(offset_transtype, -1) <> 35  -- closed by a write-off: not settled

),

written_off as (

    select distinct
        case_id,
        'INVOICE_WRITTEN_OFF' as activity_code,
        offset_created_at as event_timestamp,
        offset_created_by as resource,
        'collector' as resource_type,
        'd365' as source_system,
        'custtrans' as source_table,
        offset_record_id as source_record_id,
        cast(null as {{ dbt.type_int() }}) as dunning_level,
        settleamountcur as amount,
        currency,
        cast(null as {{ dbt.type_string() }}) as reason_code
    from invoice_settlements
    where offset_transtype = 35

)

select * from settled
union all
select * from written_off

-- grain: one row per courtesy reminder or dunning letter sent about an invoice
-- Source precedence: a company's letters come from the system that runs its collections
-- (HighRadius correspondence, or posted D365 collection letters and D365 reminder activities).
with invoices as (

    select * from {{ ref('int_invoices_identified') }}

),

hr_correspondence as (

    select * from {{ ref('stg_highradius__hr_correspondence') }}

),

hr_links as (

    select * from {{ ref('stg_highradius__hr_correspondence_invoice') }}

),

d365_letters as (

    select * from {{ ref('stg_d365__custcollectionletterjour') }}
    where is_posted  -- created-only and cancelled letters were never sent

),

d365_letter_lines as (

    select * from {{ ref('stg_d365__custcollectionlettertrans') }}

),

d365_activities as (

    select * from {{ ref('stg_d365__smmactivities') }}
    where typeid = 'Reminder'

),

d365_activity_links as (

    select * from {{ ref('stg_d365__custcollectionslinkactivitiescusttrans') }}

),

from_highradius as (

    select
        invoices.case_id,
        case
            when hr_correspondence.dunning_level = 0 then 'PAYMENT_REMINDER_SENT'
            else 'DUNNING_LETTER_' || cast(hr_correspondence.dunning_level as {{ dbt.type_string() }}) || '_SENT'
        end as activity_code,
        hr_correspondence.sent_at as event_timestamp,
        hr_correspondence.sent_by as resource,
        case when upper(hr_correspondence.sent_by) = 'SYSTEM' then 'system' else 'collector' end as resource_type,
        'highradius' as source_system,
        'hr_correspondence' as source_table,
        hr_correspondence.source_record_id,
        case when hr_correspondence.dunning_level > 0 then hr_correspondence.dunning_level end as dunning_level,
        cast(null as {{ dbt.type_numeric() }}) as amount,
        invoices.currency,
        hr_correspondence.template_name as reason_code
    from hr_correspondence
    inner join hr_links
        on hr_correspondence.correspondence_id = hr_links.correspondence_id
    inner join invoices
        on
            hr_correspondence.company_code = invoices.company_code
            and hr_links.invoice_number = invoices.invoice_id
    where
        invoices.collections_system = 'HIGHRADIUS'
        and hr_correspondence.dunning_level between 0 and 4

),

from_d365_letters as (

    select
        invoices.case_id,
        'DUNNING_LETTER_' || cast(d365_letters.collectionlettercode as {{ dbt.type_string() }}) || '_SENT'
            as activity_code,
        d365_letters.createddatetime as event_timestamp,
        d365_letters.createdby as resource,
        'collector' as resource_type,
        'd365' as source_system,
        'custcollectionletterjour' as source_table,
        d365_letters.source_record_id,
        d365_letters.collectionlettercode as dunning_level,
        d365_letter_lines.remainamount as amount,
        invoices.currency,
        cast(null as {{ dbt.type_string() }}) as reason_code
    from d365_letters
    inner join d365_letter_lines
        on
            d365_letters.company_code = d365_letter_lines.company_code
            and d365_letters.collectionletternum = d365_letter_lines.collectionletternum
    inner join invoices
        on
            d365_letter_lines.company_code = invoices.company_code
            and d365_letter_lines.custtransid = invoices.custtrans_recid
    where
        invoices.collections_system = 'D365'
        and d365_letters.collectionlettercode between 1 and 4

),

from_d365_reminders as (

    select
        invoices.case_id,
        'PAYMENT_REMINDER_SENT' as activity_code,
        d365_activities.startdatetime as event_timestamp,
        d365_activities.createdby as resource,
        'collector' as resource_type,
        'd365' as source_system,
        'smmactivities' as source_table,
        d365_activities.source_record_id,
        cast(null as {{ dbt.type_int() }}) as dunning_level,
        cast(null as {{ dbt.type_numeric() }}) as amount,
        invoices.currency,
        cast(null as {{ dbt.type_string() }}) as reason_code
    from d365_activities
    inner join d365_activity_links
        on
            d365_activities.company_code = d365_activity_links.company_code
            and d365_activities.recid = d365_activity_links.primaryrecid
    inner join invoices
        on
            d365_activity_links.company_code = invoices.company_code
            and d365_activity_links.refrecid = invoices.custtrans_recid
    where invoices.collections_system = 'D365'

)

select * from from_highradius
union all
select * from from_d365_letters
union all
select * from from_d365_reminders

//! `programme_costs`: per fiscal year, the standard monthly inpatient cost
//! the effect amount is priced with and what the programme cost, as the
//! coordinator entered them.

use super::sql::args;
use super::{ReadTx, StoreError, WriteTx};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use tsunagu_sync::outcome::YearCosts;

/// Sets the costs of `fiscal_year`; a `None` keeps what was there.
pub fn set(
    tx: &WriteTx<'_>,
    fiscal_year: i32,
    costs: YearCosts,
    by_user: Option<i64>,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let yen = |v: Option<u64>| v.map(|v| i64::try_from(v).unwrap_or(i64::MAX));
    tx.execute(
        "INSERT INTO programme_costs (fiscal_year, inpatient_monthly_yen, programme_yen,
                                          updated_at, updated_by)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (fiscal_year) DO UPDATE SET
                 inpatient_monthly_yen = coalesce(excluded.inpatient_monthly_yen,
                                                  programme_costs.inpatient_monthly_yen),
                 programme_yen = coalesce(excluded.programme_yen, programme_costs.programme_yen),
                 updated_at = excluded.updated_at,
                 updated_by = excluded.updated_by",
        args![
            fiscal_year,
            yen(costs.inpatient_monthly_yen),
            yen(costs.programme_yen),
            at.to_rfc3339(),
            by_user,
        ],
    )?;
    Ok(())
}

/// Every fiscal year's costs.
pub fn all(tx: &ReadTx<'_>) -> Result<BTreeMap<i32, YearCosts>, StoreError> {
    let rows = tx.rows(
        "SELECT fiscal_year, inpatient_monthly_yen, programme_yen FROM programme_costs",
        args![],
        |r| {
            let yen = |v: Option<i64>| v.map(|v| v.max(0) as u64);
            Ok((
                r.get::<i32>(0)?,
                YearCosts {
                    inpatient_monthly_yen: yen(r.get(1)?),
                    programme_yen: yen(r.get(2)?),
                },
            ))
        },
    )?;
    Ok(rows.into_iter().collect())
}

//! Demo register entries: the demo specialist's entry in interne geneeskunde ends in three
//! months, so the herregistratie can be tried at once (and its invitation goes out); the demo
//! opleider is in the profielregister for IGT until 2029.

use crate::platform::ids::{RegisterEntryId, UserId};
use chrono::{Datelike, NaiveDate, Utc};
use sqlx::{Postgres, Transaction};

use rules::schedule::months::add_months;

/// Seeds the demo entries that are missing. Returns how many were added.
pub(super) async fn seed(tx: &mut Transaction<'_, Postgres>) -> Result<u64, sqlx::Error> {
    let now = Utc::now();
    let today = now
        .with_timezone(&chrono_tz::Europe::Amsterdam)
        .date_naive();
    let soon = add_months(today, 3);
    let first_of_month = NaiveDate::from_ymd_opt(soon.year(), soon.month(), 1).unwrap_or(soon);
    let demos: [(&str, &str, &str, NaiveDate); 2] = [
        (
            "demo.specialist",
            "19012345606",
            "interne-geneeskunde",
            first_of_month,
        ),
        (
            "demo.opleider",
            "19012345607",
            "igt",
            NaiveDate::from_ymd_opt(2029, 7, 1).unwrap_or(soon),
        ),
    ];
    let mut added = 0;
    for (username, big_number, specialty, ends_on) in demos {
        let Some(user): Option<UserId> = sqlx::query_scalar!(
            r#"SELECT id AS "id: UserId" FROM users WHERE username = $1"#,
            username,
        )
        .fetch_optional(&mut **tx)
        .await?
        else {
            continue;
        };
        sqlx::query!(
            "INSERT INTO personal_details (user_id, date_of_birth, big_number, diploma_date,
                                           faculty_code, phone, street, postcode, city)
             VALUES ($1, '1978-02-03', $2, '2003-07-01', 'umcu', '06 87654321',
                     'Maliebaan 12', '3581 CN', 'Utrecht')
             ON CONFLICT (user_id) DO NOTHING",
            user as UserId,
            big_number,
        )
        .execute(&mut **tx)
        .await?;
        let starts_on = add_months(ends_on, -60);
        let entry = RegisterEntryId::generate();
        let inserted = sqlx::query!(
            "INSERT INTO register_entries (id, user_id, specialty_id, registered_on, ends_on)
             SELECT $1, $2, s.id, $3, $4 FROM specialties s WHERE s.code = $5
             ON CONFLICT (user_id, specialty_id) DO NOTHING",
            entry as RegisterEntryId,
            user as UserId,
            add_months(starts_on, -60),
            ends_on,
            specialty,
        )
        .execute(&mut **tx)
        .await?
        .rows_affected();
        if inserted == 0 {
            continue;
        }
        added += 1;
        sqlx::query!(
            "INSERT INTO register_periods (entry_id, starts_on, ends_on)
             VALUES ($1, $2, $3), ($1, $3, $4)",
            entry as RegisterEntryId,
            add_months(starts_on, -60),
            starts_on,
            ends_on,
        )
        .execute(&mut **tx)
        .await?;
        crate::registers::entries::schedule_for_period(tx, entry, ends_on, now).await?;
    }
    Ok(added)
}

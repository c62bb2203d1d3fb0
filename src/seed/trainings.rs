//! Demo trainings: the demo aios has one training in each interesting state, so every page
//! of the aios (and later of the opleider and the back office) has something to show. IGT is
//! left free for the demo aios: the guided tour of seed 001 creates an IGT training. Four more
//! demo aios follow IGT with the demo opleider: a shortening to decide, an eindverklaring
//! due, an ended and a struck-off registration.

use crate::platform::ids::{InvoiceId, TrainingId, UserId, VersionId};
use chrono::NaiveDate;
use sqlx::{Postgres, Transaction};
use uuid::Uuid;

/// One demo period: (label, institution name, start, end tot, part-time %).
type DemoPeriod = (&'static str, &'static str, &'static str, &'static str, i16);

/// One demo training.
struct DemoTraining {
    specialty: &'static str,
    /// The registration status.
    status: &'static str,
    invoicing: &'static str,
    /// The periods of the first version.
    periods: &'static [DemoPeriod],
    /// Interruptions of the first version: (type, institution, start, end, note, by RGS).
    interruptions: &'static [(
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        bool,
    )],
    /// Status of the first version.
    first_version: &'static str,
    /// A rejection reason for the first version.
    rejection: Option<&'static str>,
    /// A second version (a change request, or the answer to a rejection), with these periods
    /// instead of the first version's.
    concept_periods: Option<&'static [DemoPeriod]>,
    /// Whether that second version was submitted (waits for the opleider) or is a concept.
    second_submitted: bool,
    /// The part (opleidingsonderdeel, counted from 0) of each period of the first version, in
    /// order; empty when the specialty has one part.
    parts: &'static [i16],
    /// The same for the second version.
    concept_parts: &'static [i16],
}

const DEMO_TRAININGS: &[DemoTraining] = &[
    DemoTraining {
        specialty: "anesthesiologie",
        status: "concept",
        invoicing: "bij_indienen",
        periods: &[
            ("Jaar 1", "UMC Utrecht", "2027-01-01", "2028-01-01", 100),
            (
                "Jaar 2",
                "St. Antonius Ziekenhuis",
                "2028-03-01",
                "2029-03-01",
                100,
            ),
        ],
        interruptions: &[],
        first_version: "concept",
        rejection: None,
        concept_periods: None,
        second_submitted: false,
        parts: &[],
        concept_parts: &[],
    },
    DemoTraining {
        specialty: "huisartsgeneeskunde",
        status: "ingediend",
        invoicing: "op_startdatum",
        // One year in each of the three parts: the second year is the clinical stages, in a
        // hospital and in mental health care.
        periods: &[
            (
                "Eerste jaar",
                "Huisartsenpraktijk De Linde",
                "2026-12-01",
                "2027-12-01",
                100,
            ),
            ("Ziekenhuis", "Radboudumc", "2027-12-01", "2028-06-01", 100),
            ("GGZ", "GGZ inGeest", "2028-06-01", "2028-12-01", 100),
            (
                "Derde jaar",
                "Huisartsenpraktijk Het Anker",
                "2028-12-01",
                "2029-12-01",
                100,
            ),
        ],
        interruptions: &[],
        first_version: "ingediend",
        rejection: None,
        concept_periods: None,
        second_submitted: false,
        parts: &[0, 1, 1, 2],
        concept_parts: &[],
    },
    DemoTraining {
        specialty: "heelkunde",
        status: "afgekeurd",
        invoicing: "bij_indienen",
        // Complete in both parts, but the opleider wants the first two years elsewhere. The
        // aios's answer is still a concept, visibly incomplete: the first two years are moved
        // to the Catharina Ziekenhuis, the rest is not yet entered again.
        periods: &[
            (
                "Algemene heelkunde",
                "Isala",
                "2027-02-01",
                "2031-02-01",
                100,
            ),
            ("Differentiatie", "Isala", "2031-02-01", "2033-02-01", 100),
        ],
        interruptions: &[],
        first_version: "afgekeurd",
        rejection: Some(
            "De eerste twee jaar volgt u in het Catharina Ziekenhuis; pas het schema daarop aan.",
        ),
        concept_periods: Some(&[(
            "Algemene heelkunde",
            "Catharina Ziekenhuis",
            "2027-02-01",
            "2029-02-01",
            100,
        )]),
        second_submitted: false,
        parts: &[0, 1],
        concept_parts: &[0],
    },
    DemoTraining {
        specialty: "ouderengeneeskunde",
        status: "goedgekeurd",
        invoicing: "bij_indienen",
        periods: &[(
            "Ouderengeneeskunde",
            "Zorggroep Het Laar",
            "2026-10-01",
            "2029-10-01",
            100,
        )],
        interruptions: &[],
        first_version: "goedgekeurd",
        rejection: None,
        concept_periods: None,
        second_submitted: false,
        parts: &[],
        concept_parts: &[],
    },
    DemoTraining {
        specialty: "kindergeneeskunde",
        status: "ingeschreven",
        invoicing: "bij_indienen",
        // Split around the RGS's interruption (ziekte in March 2025, 20 working days): 10
        // count as training time, the other 10 are made up after the 60 months, which are
        // reached on 01-09-2029; so the training runs tot 15-09-2029.
        periods: &[
            (
                "Kindergeneeskunde",
                "Radboudumc",
                "2024-09-01",
                "2025-03-03",
                100,
            ),
            (
                "Kindergeneeskunde",
                "Radboudumc",
                "2025-03-31",
                "2029-09-15",
                100,
            ),
        ],
        interruptions: &[(
            "ziekte",
            "Radboudumc",
            "2025-03-03",
            "2025-03-31",
            "Ingevoerd na melding van de opleider.",
            true,
        )],
        first_version: "goedgekeurd",
        rejection: None,
        // A change request that is still a concept: 80 % from 2027.
        concept_periods: Some(&[
            (
                "Kindergeneeskunde",
                "Radboudumc",
                "2024-09-01",
                "2025-03-03",
                100,
            ),
            (
                "Kindergeneeskunde",
                "Radboudumc",
                "2025-03-31",
                "2027-01-01",
                100,
            ),
            (
                "Kindergeneeskunde (deeltijd)",
                "Radboudumc",
                "2027-01-01",
                "2030-01-01",
                80,
            ),
        ]),
        second_submitted: false,
        parts: &[],
        concept_parts: &[],
    },
    DemoTraining {
        specialty: "psychiatrie",
        status: "voorwaardelijk",
        invoicing: "op_startdatum",
        periods: &[(
            "Psychiatrie",
            "GGZ inGeest",
            "2026-09-01",
            "2031-03-01",
            100,
        )],
        interruptions: &[],
        first_version: "goedgekeurd",
        rejection: None,
        // A change request waiting for the opleider: 80 % from September 2027.
        concept_periods: Some(&[
            (
                "Psychiatrie",
                "GGZ inGeest",
                "2026-09-01",
                "2027-09-01",
                100,
            ),
            // The 42 months left at 80 % take 52,5 calendar months.
            (
                "Psychiatrie (deeltijd)",
                "GGZ inGeest",
                "2027-09-01",
                "2032-01-17",
                80,
            ),
        ]),
        second_submitted: true,
        parts: &[],
        concept_parts: &[],
    },
    DemoTraining {
        specialty: "interne-geneeskunde",
        status: "voltooid",
        invoicing: "bij_indienen",
        // Four years of general internal medicine, then two of differentiation.
        periods: &[
            (
                "Interne geneeskunde",
                "OLVG",
                "2019-09-01",
                "2022-09-01",
                100,
            ),
            (
                "Interne geneeskunde",
                "Amsterdam UMC",
                "2022-09-01",
                "2023-09-01",
                100,
            ),
            (
                "Differentiatie",
                "Amsterdam UMC",
                "2023-09-01",
                "2025-09-01",
                100,
            ),
        ],
        interruptions: &[],
        first_version: "goedgekeurd",
        rejection: None,
        concept_periods: None,
        second_submitted: false,
        parts: &[0, 0, 1],
        concept_parts: &[],
    },
];

/// Another aios of the demo opleider, so the opleider's overview has people in every state:
/// a shortening to decide, an eindverklaring due, an ended and a struck-off registration.
pub(super) struct DemoTrainee {
    /// Their username (an account like the other demo accounts).
    pub(super) username: &'static str,
    /// Their name.
    pub(super) name: &'static str,
    /// Their BIG-nummer.
    big_number: &'static str,
    /// Their IGT training.
    training: DemoTraining,
    /// A shortening proposal waiting for the opleider: (months, ground, where, when).
    shortening: Option<(i32, &'static str, &'static str, &'static str)>,
}

const fn igt(status: &'static str, periods: &'static [DemoPeriod]) -> DemoTraining {
    DemoTraining {
        specialty: "igt",
        status,
        invoicing: "bij_indienen",
        periods,
        interruptions: &[],
        first_version: "goedgekeurd",
        rejection: None,
        concept_periods: None,
        second_submitted: false,
        parts: &[],
        concept_parts: &[],
    }
}

pub(super) const DEMO_TRAINEES: &[DemoTrainee] = &[
    DemoTrainee {
        username: "demo.aios.lotte",
        name: "Lotte Visser",
        big_number: "19012345602",
        training: igt(
            "ingeschreven",
            &[
                (
                    "Ziekenhuis 1",
                    "Radboudumc",
                    "2026-01-01",
                    "2027-01-01",
                    100,
                ),
                ("Ziekenhuis 2", "Isala", "2027-01-01", "2028-01-01", 100),
            ],
        ),
        shortening: Some((
            3,
            "evc",
            "Radboudumc, spoedeisende hulp (anios)",
            "september 2023 tot september 2025",
        )),
    },
    DemoTrainee {
        username: "demo.aios.daan",
        name: "Daan de Boer",
        big_number: "19012345603",
        training: igt(
            "ingeschreven",
            &[
                (
                    "Ziekenhuis 1",
                    "Radboudumc",
                    "2024-04-01",
                    "2025-04-01",
                    100,
                ),
                ("Ziekenhuis 2", "Rijnstate", "2025-04-01", "2026-04-01", 100),
                (
                    "NTC",
                    "Nederlandse Tropencursus (KIT)",
                    "2026-04-01",
                    "2026-07-01",
                    100,
                ),
                (
                    "Buitenland",
                    "Opleidingsziekenhuis in het buitenland",
                    "2026-07-01",
                    "2027-01-01",
                    100,
                ),
            ],
        ),
        shortening: None,
    },
    DemoTrainee {
        username: "demo.aios.fatima",
        name: "Fatima Yilmaz",
        big_number: "19012345604",
        training: igt(
            "beeindigd",
            &[("Ziekenhuis 1", "Isala", "2023-01-01", "2024-01-01", 100)],
        ),
        shortening: None,
    },
    DemoTrainee {
        username: "demo.aios.tom",
        name: "Tom Hendriks",
        big_number: "19012345605",
        training: igt(
            "doorgehaald",
            &[("Ziekenhuis 1", "Rijnstate", "2022-02-01", "2022-08-01", 100)],
        ),
        shortening: None,
    },
];

fn date(text: &str) -> Result<NaiveDate, sqlx::Error> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|e| sqlx::Error::Protocol(format!("demo date {text}: {e}")))
}

/// Fills in the basisgegevens and trainings of the demo aios and the other demo trainees,
/// for each who has none yet. Returns the number of trainings added.
pub(super) async fn seed(tx: &mut Transaction<'_, Postgres>) -> Result<u64, sqlx::Error> {
    let opleider: UserId = sqlx::query_scalar!(
        r#"SELECT id AS "id: UserId" FROM users WHERE username = 'demo.opleider'"#,
    )
    .fetch_one(&mut **tx)
    .await?;
    let mut added = seed_demo_aios(tx, opleider).await?;
    for trainee in DEMO_TRAINEES {
        added += seed_trainee(tx, opleider, trainee).await?;
    }
    store_expected_ends(tx).await?;
    Ok(added)
}

/// Keeps the rules engine's expected end with every demo version that is no longer a
/// concept, as submitting does (migration 0019), so that the demo opleider's overview says an
/// eindverklaring is due by the same date as the schedule pages.
async fn store_expected_ends(tx: &mut Transaction<'_, Postgres>) -> Result<(), sqlx::Error> {
    let trainings: Vec<TrainingId> = sqlx::query_scalar!(
        r#"SELECT DISTINCT v.training_id AS "training_id: TrainingId" FROM schedule_versions v
         JOIN trainings t ON t.id = v.training_id JOIN users u ON u.id = t.trainee_id
         WHERE v.status <> 'concept' AND v.expected_end IS NULL
           AND u.username LIKE 'demo.%'"#,
    )
    .fetch_all(&mut **tx)
    .await?;
    for id in trainings {
        let Some((_, rules)) = crate::trainings::training::find_with_rules(tx, id).await? else {
            continue;
        };
        let loaded = crate::trainings::schedule::versions_with_items(tx, id).await?;
        for version in loaded
            .iter()
            .filter(|v| v.version.status != rules::training::VersionStatus::Concept)
        {
            // The expected end does not depend on today: only what is "done" does.
            let totals =
                rules::schedule::totals::totals(&version.schedule(), &rules, NaiveDate::MIN);
            sqlx::query!(
                "UPDATE schedule_versions SET expected_end = $2 WHERE id = $1",
                version.version.id as VersionId,
                totals.expected_end,
            )
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(())
}

/// Gives demo aios `user` complete basisgegevens (when missing) and tells whether their
/// trainings are still to be seeded (they have none yet).
async fn ready_for_trainings(
    tx: &mut Transaction<'_, Postgres>,
    user: UserId,
    big_number: &str,
) -> Result<bool, sqlx::Error> {
    sqlx::query!(
        "INSERT INTO personal_details (user_id, date_of_birth, big_number, diploma_date,
                                       faculty_code, phone, street, postcode, city)
         VALUES ($1, '1994-05-12', $2, '2019-07-01', 'radboud', '06 12345678',
                 'Houtlaan 4', '6525 XZ', 'Nijmegen')
         ON CONFLICT (user_id) DO NOTHING",
        user as UserId,
        big_number,
    )
    .execute(&mut **tx)
    .await?;
    let existing: i64 = sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM trainings WHERE trainee_id = $1"#,
        user as UserId,
    )
    .fetch_one(&mut **tx)
    .await?;
    Ok(existing == 0)
}

/// One other demo trainee's basisgegevens and IGT training, with a waiting shortening.
async fn seed_trainee(
    tx: &mut Transaction<'_, Postgres>,
    opleider: UserId,
    trainee: &DemoTrainee,
) -> Result<u64, sqlx::Error> {
    let Some(id): Option<UserId> = sqlx::query_scalar!(
        r#"SELECT id AS "id: UserId" FROM users WHERE username = $1"#,
        trainee.username,
    )
    .fetch_optional(&mut **tx)
    .await?
    else {
        return Ok(0);
    };
    if !ready_for_trainings(tx, id, trainee.big_number).await? {
        return Ok(0);
    }
    let training = seed_training(tx, id, opleider, &trainee.training).await?;
    if let Some((months, ground, gained_where, gained_when)) = trainee.shortening {
        sqlx::query!(
            "INSERT INTO shortenings (id, training_id, part, months, ground, gained_where,
                                      gained_when, status, proposed_by, proposed_at)
             VALUES ($1, $2, 0, $3, $4, $5, $6, 'voorgesteld', $7, now() - interval '3 days')",
            Uuid::now_v7(),
            training as TrainingId,
            months,
            ground,
            gained_where,
            gained_when,
            id as UserId,
        )
        .execute(&mut **tx)
        .await?;
    }
    Ok(1)
}

/// The demo aios's basisgegevens and one training in each interesting state.
async fn seed_demo_aios(
    tx: &mut Transaction<'_, Postgres>,
    opleider: UserId,
) -> Result<u64, sqlx::Error> {
    let Some(aios): Option<UserId> = sqlx::query_scalar!(
        r#"SELECT id AS "id: UserId" FROM users WHERE username = 'demo.aios'"#,
    )
    .fetch_optional(&mut **tx)
    .await?
    else {
        return Ok(0);
    };
    if !ready_for_trainings(tx, aios, "19012345601").await? {
        return Ok(0);
    }
    for demo in DEMO_TRAININGS {
        seed_training(tx, aios, opleider, demo).await?;
    }
    Ok(DEMO_TRAININGS.len() as u64)
}

async fn seed_training(
    tx: &mut Transaction<'_, Postgres>,
    aios: UserId,
    opleider: UserId,
    demo: &DemoTraining,
) -> Result<TrainingId, sqlx::Error> {
    let training = TrainingId::generate();
    let submitted = demo.status != "concept";
    sqlx::query!(
        "INSERT INTO trainings (id, trainee_id, specialty_id, institute_id, supervisor_id,
                                invoicing, status, submitted_at)
         SELECT $1, $2, s.id,
                (SELECT institute_id FROM specialty_institutes si WHERE si.specialty_id = s.id
                 ORDER BY institute_id LIMIT 1),
                $3, $4, $5, CASE WHEN $6 THEN now() - interval '30 days' END
         FROM specialties s WHERE s.code = $7",
        training as TrainingId,
        aios as UserId,
        opleider as UserId,
        demo.invoicing,
        demo.status,
        submitted,
        demo.specialty,
    )
    .execute(&mut **tx)
    .await?;

    let first = VersionId::generate();
    insert_version(tx, training, first, 1, None, aios).await?;
    let mut origins = Vec::new();
    for (i, period) in demo.periods.iter().enumerate() {
        let part = demo.parts.get(i).copied().unwrap_or(0);
        origins.push(insert_period(tx, first, None, period, part).await?);
    }
    for (kind, institution, start, end, note, by_rgs) in demo.interruptions {
        sqlx::query!(
            "INSERT INTO schedule_interruptions (id, version_id, origin_id, kind, start_date,
                                                 end_date, institution_id, note, entered_by_rgs)
             SELECT $1, $2, $1, $3, $4, $5, i.id, $7, $8 FROM institutions i WHERE i.name = $6",
            Uuid::now_v7(),
            first as VersionId,
            kind,
            date(start)?,
            date(end)?,
            institution,
            note,
            by_rgs,
        )
        .execute(&mut **tx)
        .await?;
    }
    let decided = matches!(demo.first_version, "goedgekeurd" | "afgekeurd");
    if decided {
        // A version's status only moves forward: it is submitted before it is decided.
        sqlx::query!(
            "UPDATE schedule_versions SET status = 'ingediend' WHERE id = $1",
            first as VersionId,
        )
        .execute(&mut **tx)
        .await?;
    }
    sqlx::query!(
        "UPDATE schedule_versions SET status = $2,
                submitted_at = CASE WHEN $3 THEN now() - interval '30 days' END,
                submitted_by = CASE WHEN $3 THEN created_by END,
                decided_at = CASE WHEN $4 THEN now() - interval '20 days' END,
                decided_by = CASE WHEN $4 THEN $5::uuid END,
                decision_reason = $6
         WHERE id = $1",
        first as VersionId,
        demo.first_version,
        demo.first_version != "concept",
        decided,
        opleider as UserId,
        demo.rejection,
    )
    .execute(&mut **tx)
    .await?;

    if let Some(periods) = demo.concept_periods {
        let concept = VersionId::generate();
        insert_version(tx, training, concept, 2, Some(first), aios).await?;
        sqlx::query!(
            "INSERT INTO schedule_interruptions (id, version_id, origin_id, kind, start_date,
                                                 end_date, institution_id, note, entered_by_rgs)
             SELECT gen_random_uuid(), $2, origin_id, kind, start_date, end_date,
                    institution_id, note, entered_by_rgs
             FROM schedule_interruptions WHERE version_id = $1",
            first as VersionId,
            concept as VersionId,
        )
        .execute(&mut **tx)
        .await?;
        for (i, period) in periods.iter().enumerate() {
            // The first periods keep their identity, so the history shows them as changed.
            let part = demo.concept_parts.get(i).copied().unwrap_or(0);
            insert_period(tx, concept, origins.get(i).copied(), period, part).await?;
        }
        if demo.second_submitted {
            sqlx::query!(
                "UPDATE schedule_versions SET status = 'ingediend',
                        submitted_at = now() - interval '2 days', submitted_by = created_by
                 WHERE id = $1",
                concept as VersionId,
            )
            .execute(&mut **tx)
            .await?;
        }
    }
    seed_invoice(tx, training, demo).await?;
    Ok(training)
}

/// The registration invoice a demo training would have by now: issued on submission (or on
/// the start date), and paid once the registration is definitive.
async fn seed_invoice(
    tx: &mut Transaction<'_, Postgres>,
    training: TrainingId,
    demo: &DemoTraining,
) -> Result<(), sqlx::Error> {
    let paid = matches!(
        demo.status,
        "ingeschreven" | "voltooid" | "beeindigd" | "doorgehaald"
    );
    let invoiced = match demo.invoicing {
        "bij_indienen" => demo.status != "concept",
        _ => paid || demo.status == "voorwaardelijk",
    };
    if !invoiced {
        return Ok(());
    }
    let training = crate::trainings::training::by_id(tx, training).await?;
    let issued = (chrono::Utc::now() - chrono::Duration::days(30)).date_naive();
    let invoice = crate::billing::invoices::for_registration(tx, &training, issued)
        .await
        .map_err(|e| sqlx::Error::Protocol(format!("demo invoice: {e}")))?;
    if paid {
        sqlx::query!(
            "UPDATE invoices SET status = 'betaald', paid_at = now() - interval '25 days'
             WHERE id = $1",
            invoice.id as InvoiceId,
        )
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

async fn insert_version(
    tx: &mut Transaction<'_, Postgres>,
    training: TrainingId,
    id: VersionId,
    number: i32,
    based_on: Option<VersionId>,
    aios: UserId,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO schedule_versions (id, training_id, number, status, based_on_id, created_by,
                                        created_at)
         VALUES ($1, $2, $3, 'concept', $4, $5,
                 now() - interval '40 days' + $3::integer * interval '1 day')",
        id as VersionId,
        training as TrainingId,
        number,
        based_on as Option<VersionId>,
        aios as UserId,
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn insert_period(
    tx: &mut Transaction<'_, Postgres>,
    version: VersionId,
    origin: Option<Uuid>,
    (label, institution, start, end, pct): &DemoPeriod,
    part: i16,
) -> Result<Uuid, sqlx::Error> {
    let id = Uuid::now_v7();
    let origin = origin.unwrap_or(id);
    let inserted = sqlx::query!(
        "INSERT INTO schedule_periods (id, version_id, origin_id, part, label, institution_id,
                                       start_date, end_date, part_time_pct)
         SELECT $1, $2, $3, $9, $4, i.id, $6, $7, $8 FROM institutions i WHERE i.name = $5",
        id,
        version as VersionId,
        origin,
        label,
        institution,
        date(start)?,
        date(end)?,
        pct,
        part,
    )
    .execute(&mut **tx)
    .await?;
    if inserted.rows_affected() != 1 {
        return Err(sqlx::Error::Protocol(format!(
            "demo period at unknown institution {institution}"
        )));
    }
    Ok(origin)
}

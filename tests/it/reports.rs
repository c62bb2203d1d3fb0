//! The contactpersoon's register report: its rows equal the periods the counting schedules put
//! at the institution (edges of the date range included); CSV, XLSX and PDF carry the same
//! rows; pages follow each other without gaps; a 10,000-row CSV streams; another institution
//! or another role answers 404.

use crate::helpers::database::database;
use mijnrgs::platform::ids::TrainingId;
use rules::code::Coded;
use std::collections::BTreeSet;
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDate;
use reqwest::StatusCode;
use uuid::Uuid;

use crate::aios::{aios_ready, create_igt, revision, set_today, submit};
use crate::helpers::TestApp;
use crate::helpers::accounts::{log_in_demo, seed_demo, user_id};
use crate::supervision::submitted_training;
use rules::report::{RawFilter, ReportFilter};
use rules::training::RegistrationStatus;

/// (name, period label, part, start, end, part-time %) of one report row.
pub(crate) type Row = (String, String, String, String, String, String);

pub(crate) async fn institution(app: &TestApp, name: &str) -> Uuid {
    sqlx::query_scalar("SELECT id FROM institutions WHERE name = $1")
        .bind(name)
        .fetch_one(&app.state.db)
        .await
        .unwrap()
}

/// What the schedules say, computed through the schedule module (not the report's query):
/// for each registration that counts, the last approved version or else the submitted one,
/// and its periods at `institution` that run in `filter`'s dates.
async fn expected_rows(app: &TestApp, institution: Uuid, filter: &ReportFilter) -> BTreeSet<Row> {
    let trainings: Vec<(Uuid, String, String, Uuid)> = sqlx::query_as(
        "SELECT t.id, t.status, u.full_name, t.specialty_id FROM trainings t
         JOIN users u ON u.id = t.trainee_id",
    )
    .fetch_all(&app.state.db)
    .await
    .unwrap();
    // The app's pool has one connection: every specialty's rules are read before it is held.
    let mut rules_of = std::collections::BTreeMap::new();
    for (_, _, _, specialty) in &trainings {
        if !rules_of.contains_key(specialty) {
            let rules = mijnrgs::reference_data::lookup::specialty_rules(&app.state.db, *specialty)
                .await
                .unwrap()
                .unwrap();
            rules_of.insert(*specialty, rules);
        }
    }
    let mut conn = app.state.db.acquire().await.unwrap();
    let mut rows = BTreeSet::new();
    for (training, status, name, specialty) in trainings {
        let status = RegistrationStatus::from_code(&status).unwrap();
        if matches!(
            status,
            RegistrationStatus::Concept | RegistrationStatus::Rejected
        ) || filter.status.is_some_and(|s| s != status)
            || filter.specialty.is_some_and(|s| s != specialty)
        {
            continue;
        }
        let versions = mijnrgs::trainings::schedule::Versions {
            all: mijnrgs::trainings::schedule::versions(&mut conn, TrainingId(training))
                .await
                .unwrap(),
        };
        let Some(version) = versions.current().or(versions.submitted()).cloned() else {
            continue;
        };
        let loaded = mijnrgs::trainings::schedule::load_version(&mut conn, version)
            .await
            .unwrap();
        let rules = &rules_of[&specialty];
        for period in loaded.schedule().periods {
            if period.institution == institution && filter.covers(period.start, period.end) {
                rows.insert((
                    name.clone(),
                    period.label.clone(),
                    rules.parts[period.part].name.clone(),
                    period.start.format("%d-%m-%Y").to_string(),
                    // Read as the last day.
                    (period.end - chrono::Duration::days(1))
                        .format("%d-%m-%Y")
                        .to_string(),
                    period.part_time_pct.to_string(),
                ));
            }
        }
    }
    rows
}

fn filter(query: &str) -> ReportFilter {
    let raw: RawFilter = serde_json::from_value(serde_json::Value::Object(
        url::form_urlencoded::parse(query.as_bytes())
            .map(|(k, v)| (k.into_owned(), serde_json::Value::String(v.into_owned())))
            .collect(),
    ))
    .unwrap();
    ReportFilter::parse(&raw, NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()).unwrap()
}

pub(crate) async fn download(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
) -> reqwest::Response {
    let response = client.get(app.url(path)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    response
}

/// The header and rows of the CSV at `path`, which must answer 200.
async fn download_csv(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
) -> (Vec<String>, Vec<Vec<String>>) {
    csv_rows(&download(app, client, path).await.bytes().await.unwrap())
}

pub(crate) fn csv_rows(bytes: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    let text = std::str::from_utf8(bytes).unwrap();
    let text = text
        .strip_prefix('\u{feff}')
        .expect("a UTF-8 byte order mark");
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    (headers, rows)
}

/// The rows of a report download (in the columns of [`HEADERS`]) as their (name, label, part,
/// start, end, percentage).
///
/// [`HEADERS`]: mijnrgs::reports::register_report::HEADERS
pub(crate) fn as_rows(cells: &[Vec<String>]) -> BTreeSet<Row> {
    cells
        .iter()
        .map(|c| {
            (
                c[0].clone(),
                c[3].clone(),
                c[4].clone(),
                c[5].clone(),
                c[6].clone(),
                c[7].clone(),
            )
        })
        .collect()
}

pub(crate) fn xlsx_rows(bytes: Vec<u8>) -> Vec<Vec<String>> {
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
    let sheet = workbook.worksheet_range("Register").unwrap();
    sheet
        .rows()
        .skip(1)
        .map(|row| {
            row.iter()
                .map(|cell| match cell {
                    Data::DateTime(d) => (NaiveDate::from_ymd_opt(1899, 12, 30).unwrap()
                        + chrono::Duration::days(d.as_f64() as i64))
                    .format("%d-%m-%Y")
                    .to_string(),
                    Data::Float(f) => format!("{f}"),
                    Data::Int(i) => i.to_string(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

fn pdf_text(bytes: &[u8]) -> String {
    let path = std::env::temp_dir().join(format!("mijnrgs-report-{}.pdf", Uuid::new_v4()));
    std::fs::write(&path, bytes).unwrap();
    let output = std::process::Command::new("pdftotext")
        .args([path.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    std::fs::remove_file(&path).ok();
    String::from_utf8(output.stdout).unwrap()
}

#[tokio::test]
async fn the_report_and_its_downloads_hold_exactly_the_periods_of_the_schedules() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    // Noor's submitted IGT schedule: Radboudumc 01-01-2027 to 01-01-2028, Isala from
    // 01-03-2028; the demo has running trainings at the Radboudumc too.
    submitted_training(&app).await;
    let radboud = institution(&app, "Radboudumc").await;
    let contact = app.new_client();
    log_in_demo(&app, &contact, "demo.contactpersoon").await;
    let base = format!("/contactpersoon/instellingen/{radboud}/rapport");
    let mut noor_seen = 0;
    for query in [
        "soort=peildatum&peildatum=22-11-2026",
        "soort=peildatum&peildatum=01-06-2027",
        // The last day of the period is the day before its (exclusive) end.
        "soort=peildatum&peildatum=31-12-2027",
        "soort=peildatum&peildatum=01-01-2028",
        // A range that the period crosses at its start, and one it crosses at its end.
        "soort=periode&van=01-12-2027&tot=31-03-2028",
        "soort=periode&van=01-01-2020&tot=01-01-2027",
        "soort=periode&van=01-01-2020&tot=31-12-2029&sorteer=begindatum",
        "soort=peildatum&peildatum=01-06-2027&status=ingediend",
    ] {
        let filter = filter(query);
        let expected = expected_rows(&app, radboud, &filter).await;
        let (headers, cells) = download_csv(&app, &contact, &format!("{base}.csv?{query}")).await;
        assert_eq!(headers[0], "Naam");
        assert_eq!(headers.len(), 10);
        assert_eq!(headers[4], "Onderdeel");
        assert_eq!(as_rows(&cells), expected, "CSV for {query}");
        assert_eq!(cells.len(), expected.len(), "no duplicates for {query}");
        let xlsx = download(&app, &contact, &format!("{base}.xlsx?{query}"))
            .await
            .bytes()
            .await
            .unwrap();
        let xlsx = xlsx_rows(xlsx.to_vec());
        assert_eq!(as_rows(&xlsx), expected, "XLSX for {query}");
        let page = app.page_with(&contact, &format!("{base}?{query}")).await;
        let pdf = pdf_text(
            &download(&app, &contact, &format!("{base}.pdf?{query}"))
                .await
                .bytes()
                .await
                .unwrap(),
        );
        assert!(
            pdf.contains(&filter.describe_dates()),
            "the filter is printed"
        );
        assert!(pdf.contains("gemaakt op"));
        for (name, label, _, start, _, _) in &expected {
            assert!(
                page.contains(name.as_str()),
                "{name} on the page for {query}"
            );
            assert!(pdf.contains(name.as_str()), "{name} in the PDF for {query}");
            assert!(pdf.contains(start.as_str()));
            if name == "Noor Bakker" {
                assert_eq!(label, "Ziekenhuis 1");
                noor_seen += 1;
            }
        }
    }
    // Noor's Radboudumc period shows on 01-06-2027 and 31-12-2027, in the three ranges (the
    // one ending 01-01-2027 holds its first day) and under the ingediend filter; not today,
    // nor on 01-01-2028, when it has ended.
    assert_eq!(noor_seen, 6);
}

#[tokio::test]
async fn the_typed_cells_frozen_header_and_bom_make_the_files_open_well_in_dutch_excel() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    submitted_training(&app).await;
    let radboud = institution(&app, "Radboudumc").await;
    let contact = app.new_client();
    log_in_demo(&app, &contact, "demo.contactpersoon").await;
    let base = format!("/contactpersoon/instellingen/{radboud}/rapport");
    let query = "soort=peildatum&peildatum=01-06-2027";
    let response = download(&app, &contact, &format!("{base}.csv?{query}")).await;
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    let disposition = response.headers()["content-disposition"].to_str().unwrap();
    assert!(
        disposition.contains("registeroverzicht-radboudumc-peildatum-2027-06-01.csv"),
        "the date is in the file name: {disposition}"
    );
    let range = download(
        &app,
        &contact,
        &format!("{base}.xlsx?soort=periode&van=01-12-2027&tot=31-03-2028"),
    )
    .await;
    let disposition = range.headers()["content-disposition"].to_str().unwrap();
    assert!(
        disposition.contains("registeroverzicht-radboudumc-2027-12-01-tot-en-met-2028-03-31.xlsx"),
        "{disposition}"
    );
    // A report without rows offers nothing to download.
    let empty = app
        .page_with(
            &contact,
            &format!("{base}?soort=peildatum&peildatum=01-01-2000"),
        )
        .await;
    assert!(
        empty.contains("Er is daarom ook niets te downloaden."),
        "{empty}"
    );
    assert!(!empty.contains("rapport.csv"), "{empty}");
    let bytes = response.bytes().await.unwrap();
    assert!(bytes.starts_with("\u{feff}Naam;BIG-nummer;".as_bytes()));
    let text = String::from_utf8(bytes.to_vec()).unwrap();
    assert!(
        text.contains(
            "Noor Bakker;19087654301;Internationale gezondheidszorg en tropengeneeskunde (IGT);\
             Ziekenhuis 1;Opleiding tot AIGT;01-01-2027;31-12-2027;100;Dr. Pieter Jansen;\
             Ingediend\r\n"
        ),
        "{text}"
    );

    let bytes = download(&app, &contact, &format!("{base}.xlsx?{query}"))
        .await
        .bytes()
        .await
        .unwrap();
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).unwrap();
    let sheet = workbook.worksheet_range("Register").unwrap();
    let noor = sheet.rows().find(|row| row[0] == "Noor Bakker").unwrap();
    assert!(matches!(noor[5], Data::DateTime(_)), "dates are dates");
    assert_eq!(
        sheet.rows().next().unwrap()[6],
        "Tot en met",
        "the end is read as the last day"
    );
    assert!(
        matches!(&noor[6], Data::DateTime(d) if d.as_f64() == excel_day(2027, 12, 31)),
        "{:?}",
        noor[6]
    );
    assert!(
        matches!(noor[7], Data::Float(f) if f == 100.0),
        "percentages are numbers"
    );
    // The frozen header row is in the sheet's XML.
    let archive = zip_entry(&bytes, "xl/worksheets/sheet1.xml");
    assert!(archive.contains("state=\"frozen\""), "{archive}");
    assert!(
        archive.contains("<autoFilter ref=\"A1:J"),
        "a filter on every column: {archive}"
    );
    assert!(archive.contains("<cols>"), "column widths are set");
}

/// The serial number Excel gives a day.
fn excel_day(year: i32, month: u32, day: u32) -> f64 {
    let epoch = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap();
    let date = chrono::NaiveDate::from_ymd_opt(year, month, day).unwrap();
    (date - epoch).num_days() as f64
}

pub(crate) fn zip_entry(bytes: &[u8], name: &str) -> String {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes.to_vec())).unwrap();
    let mut file = archive.by_name(name).unwrap();
    let mut text = String::new();
    file.read_to_string(&mut text).unwrap();
    text
}

#[tokio::test]
async fn another_institution_or_another_role_gets_404() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    submitted_training(&app).await;
    let radboud = institution(&app, "Radboudumc").await;
    let isala = institution(&app, "Isala").await;
    let contact = app.new_client();
    log_in_demo(&app, &contact, "demo.contactpersoon").await;
    let response = contact
        .get(app.url("/contactpersoon"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        crate::helpers::location(&response),
        format!("/contactpersoon/instellingen/{radboud}/rapport")
    );
    for suffix in ["", ".csv", ".xlsx", ".pdf"] {
        let path = format!("/contactpersoon/instellingen/{isala}/rapport{suffix}");
        let response = contact.get(app.url(&path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
    }
    // The aios and the opleider have no report at all.
    for user in ["demo.aios", "demo.opleider"] {
        let client = app.new_client();
        log_in_demo(&app, &client, user).await;
        for suffix in ["", ".csv"] {
            let path = format!("/contactpersoon/instellingen/{radboud}/rapport{suffix}");
            let response = client.get(app.url(&path)).send().await.unwrap();
            assert_eq!(response.status(), StatusCode::NOT_FOUND, "{user} {path}");
        }
    }
    // Nothing was downloaded by anyone but the contactpersoon.
    let downloads: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'report.downloaded'")
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert_eq!(downloads, 0);
}

#[tokio::test]
async fn a_bad_filter_is_explained_in_dutch_and_downloads_refuse_it() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    crate::helpers::accounts::seed_demo(&app).await;
    let radboud = institution(&app, "Radboudumc").await;
    let contact = app.new_client();
    log_in_demo(&app, &contact, "demo.contactpersoon").await;
    let base = format!("/contactpersoon/instellingen/{radboud}/rapport");
    let response = contact
        .get(app.url(&format!(
            "{base}?soort=periode&van=30-02-2027&tot=01-01-2026"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(page.contains("Deze datum bestaat niet"));
    let response = contact
        .get(app.url(&format!("{base}.csv?soort=peildatum&peildatum=gisteren")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn ten_thousand_rows_stream_as_csv_and_page_by_page_without_gaps() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    crate::helpers::accounts::seed_demo(&app).await;
    crate::aios::set_today(&app);
    crate::aios::aios_ready(&app, "noor").await;
    let training = crate::aios::create_igt(&app).await;
    let radboud = institution(&app, "Radboudumc").await;
    // Ten thousand periods in one submitted version, written set-based.
    sqlx::query(
        "INSERT INTO schedule_periods (id, version_id, origin_id, part, label, institution_id,
                                       start_date, end_date, part_time_pct)
         SELECT gen_random_uuid(), v.id, gen_random_uuid(), 0, 'Blok ' || n, $2,
                DATE '2027-01-01' - (n % 300), DATE '2027-06-01' + (n % 300), 50 + n % 51
         FROM schedule_versions v, generate_series(1, 10000) n WHERE v.training_id = $1",
    )
    .bind(training)
    .bind(radboud)
    .execute(&app.state.db)
    .await
    .unwrap();
    sqlx::query("UPDATE schedule_versions SET status = 'ingediend' WHERE training_id = $1")
        .bind(training)
        .execute(&app.state.db)
        .await
        .unwrap();
    sqlx::query("UPDATE trainings SET status = 'ingediend' WHERE id = $1")
        .bind(training)
        .execute(&app.state.db)
        .await
        .unwrap();
    let contact = app.new_client();
    log_in_demo(&app, &contact, "demo.contactpersoon").await;
    let base = format!("/contactpersoon/instellingen/{radboud}/rapport");
    let query = "soort=peildatum&peildatum=01-03-2027";
    let expected = expected_rows(&app, radboud, &filter(query)).await.len();
    assert!(expected >= 10_000);

    let response = download(&app, &contact, &format!("{base}.csv?{query}")).await;
    assert!(
        response.headers().get("content-length").is_none(),
        "streamed in chunks, not built in memory first"
    );
    let (_, cells) = csv_rows(&response.bytes().await.unwrap());
    assert_eq!(cells.len(), expected);
    // As a browser asks for it: compressed, and whole (the body once broke off at its end).
    let compressed = contact
        .get(app.url(&format!("{base}.csv?{query}")))
        .header("accept-encoding", "gzip, br")
        .send()
        .await
        .unwrap();
    assert!(compressed.headers().get("content-encoding").is_some());
    let body = compressed.bytes().await;
    assert!(
        body.is_ok_and(|b| !b.is_empty()),
        "the compressed CSV arrives whole"
    );

    // On screen: 50 a page, keyset cursors, every row once.
    let mut seen = BTreeSet::new();
    let mut path = format!("{base}?{query}&sorteer=begindatum");
    let mut pages = 0;
    loop {
        let page = app.page_with(&contact, &path).await;
        let rows = page.matches("<tr><td>").count();
        assert!(rows <= 50);
        for part in page.split("<tr><td>").skip(1).take(rows) {
            let row = part.split("</tr>").next().unwrap().to_owned();
            assert!(seen.insert(row.clone()), "seen before: {row} on {path}");
        }
        pages += 1;
        let Some(start) = page.find("\">Volgende regels</a>") else {
            break;
        };
        let href = &page[..start];
        let href = &href[href.rfind("href=\"").unwrap() + 6..];
        path = href
            .replace("&#38;", "&")
            .replace("&amp;", "&")
            .replace("&#x2f;", "/")
            .replace("&#47;", "/");
        if pages > 12 {
            break;
        }
    }
    assert_eq!(pages, 13, "stopped after 12 pages to keep the test short");
    assert_eq!(seen.len(), 12 * 50 + 50);
}

#[tokio::test]
async fn a_report_download_reads_in_one_read_only_transaction_with_sort_memory_and_without_jit() {
    let (_database, pool) = database().await;
    let mut tx = mijnrgs::reports::register_report::download_transaction(&pool)
        .await
        .unwrap();
    let (read_only, work_mem, jit): (String, String, String) = sqlx::query_as(
        "SELECT current_setting('transaction_read_only'), current_setting('work_mem'),
                current_setting('jit')",
    )
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    assert_eq!(
        (read_only.as_str(), work_mem.as_str(), jit.as_str()),
        ("on", "64MB", "off")
    );
    let write = sqlx::query("CREATE TEMP TABLE poging (x int)")
        .execute(&mut *tx)
        .await;
    assert!(write.is_err(), "a report cannot write");
    tx.rollback().await.unwrap();
}

#[tokio::test]
async fn a_period_with_an_opleider_of_its_own_names_them_and_the_others_name_the_trainings_opleider()
 {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    seed_demo(&app).await;
    set_today(&app);
    // The demo's specialist also trains IGT aios at the Radboudumc.
    let own: String = sqlx::query_scalar(
        "INSERT INTO role_assignments (user_id, role, specialty_id, institution_id)
         SELECT u.id, 'opleider', s.id, i.id FROM users u, specialties s, institutions i
         WHERE u.username = 'demo.specialist' AND s.code = 'igt' AND i.name = 'Radboudumc'
         RETURNING (SELECT full_name FROM users WHERE username = 'demo.specialist')",
    )
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    aios_ready(&app, "noor").await;
    let training = create_igt(&app).await;
    let radboud = institution(&app, "Radboudumc").await;
    // Noor's Radboudumc period names the specialist as its opleider, through the period form.
    let specialist = user_id(&app, "demo.specialist").await.to_string();
    let response = app
        .post_form(
            &format!("/aios/opleidingen/{training}/periodes/nieuw"),
            &[
                ("omschrijving", "Ziekenhuis 1"),
                ("instelling", radboud.to_string().as_str()),
                ("opleider", specialist.as_str()),
                ("begindatum", "01-01-2027"),
                ("einddatum", "01-01-2028"),
                ("deeltijd", "100"),
                ("revisie", revision(&app, training).await.as_str()),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        submit(&app, training, true).await.status(),
        StatusCode::SEE_OTHER
    );
    let contact = app.new_client();
    log_in_demo(&app, &contact, "demo.contactpersoon").await;
    let query = "soort=peildatum&peildatum=01-06-2027";
    let base = format!("/contactpersoon/instellingen/{radboud}/rapport");
    let (headers, cells) = download_csv(&app, &contact, &format!("{base}.csv?{query}")).await;
    assert_eq!(headers[8], "Opleider");
    let opleider_of = |noor: bool| -> Vec<&str> {
        cells
            .iter()
            .filter(|row| (row[0] == "Noor Bakker") == noor)
            .map(|row| row[8].as_str())
            .collect()
    };
    assert_eq!(opleider_of(true), [own.as_str()]);
    let others = opleider_of(false);
    assert!(
        !others.is_empty(),
        "the demo has other aios at the Radboudumc"
    );
    assert!(
        others.iter().all(|name| !name.is_empty() && *name != own),
        "{others:?}"
    );
    let page = app.page_with(&contact, &format!("{base}?{query}")).await;
    assert!(
        page.contains(own.as_str()),
        "the page names the period's opleider"
    );
}

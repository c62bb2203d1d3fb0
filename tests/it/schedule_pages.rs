//! Every page that shows a schedule says what the rules engine says: for each demo training,
//! the aios's page and submit page, the opleider's and the ondersteuner's page, the RGS page
//! and the contactpersoon's report are read as their users see them, and every totals table on
//! them is compared with the engine's figures for one of the training's versions.

use crate::helpers::database::database;
use mijnrgs::platform::ids::TrainingId;
use rules::code::Coded;
use std::collections::BTreeSet;

use mijnrgs::trainings::schedule::{self, LoadedVersion};
use rules::schedule::check::{Report, check};
use rules::schedule::model::SpecialtyRules;
use scraper::{ElementRef, Html, Selector};
use uuid::Uuid;

use crate::aios::set_today;
use crate::helpers::TestApp;
use crate::helpers::accounts::{log_in_demo, seed_demo};

/// What a totals section says: the cells of each table row, the end of the last period, the
/// expected end, and whether the check above it calls the schedule complete.
#[derive(Clone, Debug, PartialEq, Eq, Ord, PartialOrd)]
struct Shown {
    rows: Vec<Vec<String>>,
    planned_end: String,
    expected_end: String,
}

fn text_of(element: ElementRef) -> String {
    element
        .text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every totals section of `html`.
fn totals_on(html: &str) -> Vec<Shown> {
    let document = Html::parse_document(html);
    let sections = Selector::parse("section#totalen-sectie").unwrap();
    let rows = Selector::parse("table.totals tbody tr").unwrap();
    let cells = Selector::parse("td").unwrap();
    let terms = Selector::parse("dl.summary-list dt").unwrap();
    document
        .select(&sections)
        .map(|section| {
            let value = |term: &str| {
                section
                    .select(&terms)
                    .find(|dt| text_of(*dt) == term)
                    .and_then(|dt| dt.next_siblings().find_map(ElementRef::wrap))
                    .map(text_of)
                    .unwrap_or_else(|| panic!("{term} in {}", section.html()))
            };
            Shown {
                rows: section
                    .select(&rows)
                    .map(|row| row.select(&cells).map(text_of).collect())
                    .collect(),
                planned_end: value("Einde laatste periode"),
                expected_end: value("Verwachte einddatum opleiding"),
            }
        })
        .collect()
}

/// The totals section as the engine's report says it must read.
fn expected(report: &Report, loaded: &LoadedVersion) -> Shown {
    let totals = &report.totals;
    let none = "niet van toepassing".to_owned();
    let mut rows = Vec::new();
    for part in &totals.parts {
        rows.push(vec![
            part.done.dutch(),
            part.planned.dutch(),
            part.required.dutch(),
            part.to_plan.dutch(),
        ]);
        if part.credited.is_positive() {
            rows.push(vec![
                part.credited_done.dutch(),
                part.credited.dutch(),
                none.clone(),
                none.clone(),
            ]);
        }
        if part.held.is_positive() {
            rows.push(vec![
                "0".to_owned(),
                part.held.dutch(),
                none.clone(),
                none.clone(),
            ]);
        }
    }
    if totals.parts.len() > 1 || totals.credited.is_positive() || totals.held.is_positive() {
        rows.push(vec![
            totals.done.dutch(),
            totals.in_schedule().dutch(),
            totals.required.dutch(),
            totals.to_plan.dutch(),
        ]);
    }
    let date = |d: chrono::NaiveDate| d.format("%d-%m-%Y").to_string();
    Shown {
        rows,
        planned_end: match totals.planned_end {
            Some(end) => date(end),
            None if loaded.periods.is_empty() => "nog geen periodes".to_owned(),
            None => "nog geen geldige periode".to_owned(),
        },
        expected_end: totals
            .expected_end
            .map_or_else(|| "nog niet te berekenen".to_owned(), date),
    }
}

/// Whether the check on the page calls the schedule complete, for every check on it.
fn verdicts_on(html: &str) -> Vec<bool> {
    let document = Html::parse_document(html);
    let verdict = Selector::parse("main p").unwrap();
    document
        .select(&verdict)
        .map(text_of)
        .filter(|t| t.starts_with("Het schema is"))
        .map(|t| t.starts_with("Het schema is compleet"))
        .collect()
}

/// One training with the engine's view of each of its versions.
struct Checked {
    id: TrainingId,
    trainee: String,
    has_concept: bool,
    /// Whether a version was approved: the RGS page shows the current schedule only.
    has_current: bool,
    /// Whether a version waits for the opleider: their page shows it beside the current one.
    has_submitted: bool,
    versions: Vec<(Shown, bool)>,
    /// The periods of the version the report reads (approved, else submitted): (trainee,
    /// label, part, start, last day, percentage, institution).
    report_periods: Vec<(String, String, String, String, String, String, Uuid)>,
    status: String,
}

async fn engine_view(app: &TestApp, id: TrainingId, today: chrono::NaiveDate) -> Checked {
    let mut conn = app.state.db.acquire().await.unwrap();
    let (training, rules): (_, SpecialtyRules) =
        mijnrgs::trainings::training::find_with_rules(&mut conn, id)
            .await
            .unwrap()
            .unwrap();
    let loaded = schedule::versions_with_items(&mut conn, id).await.unwrap();
    drop(conn);
    let trainee: String = sqlx::query_scalar(
        "SELECT u.username FROM trainings t JOIN users u ON u.id = t.trainee_id WHERE t.id = $1",
    )
    .bind(id)
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    let versions = loaded
        .iter()
        .map(|v| {
            let context = schedule::context(&training, &v.version, today);
            let report = check(&v.schedule(), &rules, &context);
            (expected(&report, v), report.is_complete())
        })
        .collect();
    let counted = loaded
        .iter()
        .find(|v| v.version.status.code() == "goedgekeurd")
        .or_else(|| {
            loaded
                .iter()
                .find(|v| v.version.status.code() == "ingediend")
        });
    let part_name = |part: i16| {
        usize::try_from(part)
            .ok()
            .and_then(|i| rules.parts.get(i))
            .map(|p| p.name.clone())
            .unwrap_or_default()
    };
    let date = |d: chrono::NaiveDate| d.format("%d-%m-%Y").to_string();
    let report_periods = counted
        .map(|v| {
            v.periods
                .iter()
                .map(|p| {
                    (
                        training.trainee_name.clone(),
                        p.label.clone(),
                        part_name(p.part),
                        date(p.start_date),
                        // A report reads the end as the last day.
                        date(p.end_date - chrono::Duration::days(1)),
                        p.part_time_pct.to_string(),
                        p.institution_id,
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    Checked {
        id,
        trainee,
        has_concept: loaded.iter().any(|v| v.version.status.code() == "concept"),
        has_current: loaded
            .iter()
            .any(|v| v.version.status.code() == "goedgekeurd"),
        has_submitted: loaded
            .iter()
            .any(|v| v.version.status.code() == "ingediend"),
        versions,
        report_periods,
        status: training.status.code().to_owned(),
    }
}

/// Asserts that every totals section and check on `html` is the engine's for one version.
fn agrees(page: &str, html: &str, training: &Checked) {
    let shown = totals_on(html);
    assert!(!shown.is_empty(), "{page}: no totals on the page:\n{html}");
    for section in &shown {
        assert!(
            training.versions.iter().any(|(v, _)| v == section),
            "{page}: the totals {section:#?} are not the engine's for any version: {:#?}",
            training.versions
        );
    }
    let verdicts = verdicts_on(html);
    assert!(!verdicts.is_empty(), "{page}: no verdict on the page");
    for verdict in verdicts {
        assert!(
            training
                .versions
                .iter()
                .any(|(_, complete)| *complete == verdict),
            "{page}: the page calls the schedule {} while the engine does not",
            if verdict { "complete" } else { "incomplete" }
        );
    }
}

#[tokio::test]
async fn every_page_that_shows_a_demo_schedule_agrees_with_the_rules_engine() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    seed_demo(&app).await;
    set_today(&app);
    let today = app.state.clock.today();
    let ids: Vec<TrainingId> = sqlx::query_scalar("SELECT id FROM trainings ORDER BY id")
        .fetch_all(&app.state.db)
        .await
        .unwrap();
    let mut trainings = Vec::new();
    for id in ids {
        trainings.push(engine_view(&app, id, today).await);
    }
    assert!(trainings.len() >= 10, "{} demo trainings", trainings.len());

    let client = |username: &'static str| {
        let app = &app;
        async move {
            let client = app.new_client();
            log_in_demo(app, &client, username).await;
            client
        }
    };
    let opleider = client("demo.opleider").await;
    let ondersteuner = client("demo.ondersteuner").await;
    let rgs = client("demo.rgs").await;
    let trainees: BTreeSet<String> = trainings.iter().map(|t| t.trainee.clone()).collect();
    let mut pages = 0;
    for trainee in trainees {
        let aios = app.new_client();
        log_in_demo(&app, &aios, &trainee).await;
        for training in trainings.iter().filter(|t| t.trainee == trainee) {
            let path = format!("/aios/opleidingen/{}", training.id);
            agrees(&path, &app.page_with(&aios, &path).await, training);
            pages += 1;
            if training.has_concept {
                let path = format!("/aios/opleidingen/{}/indienen", training.id);
                agrees(&path, &app.page_with(&aios, &path).await, training);
                pages += 1;
            }
        }
    }
    for training in &trainings {
        for (who, client, path) in [
            (
                "opleider",
                &opleider,
                format!("/opleider/aios/{}", training.id),
            ),
            (
                "ondersteuner",
                &ondersteuner,
                format!("/opleider/aios/{}", training.id),
            ),
            ("rgs", &rgs, format!("/rgs/opleidingen/{}", training.id)),
        ] {
            let html = app.page_with(client, &path).await;
            if totals_on(&html).is_empty() {
                // Only a page with no version to show: the RGS page shows the current
                // (approved) schedule, the opleider's the current and the submitted one.
                let nothing_to_show = match who {
                    "rgs" => !training.has_current,
                    _ => !training.has_current && !training.has_submitted,
                };
                assert!(nothing_to_show, "{who} {path} shows no totals:\n{html}");
                continue;
            }
            agrees(&format!("{who} {path}"), &html, training);
            pages += 1;
        }
    }
    assert!(pages >= 40, "{pages} pages compared");

    // The contactpersoon's report of Radboudumc lists exactly the periods there of the
    // version that counts, each with its part.
    let radboud: Uuid = sqlx::query_scalar("SELECT id FROM institutions WHERE name = 'Radboudumc'")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    let contact = client("demo.contactpersoon").await;
    let html = app
        .page_with(
            &contact,
            &format!(
                "/contactpersoon/instellingen/{radboud}/rapport?soort=periode&van=01-01-2020&tot=31-12-2029"
            ),
        )
        .await;
    assert!(
        html.contains("<th scope=\"col\">Periode en onderdeel</th>")
            && !html.contains("error-summary"),
        "the report itself: {html}"
    );
    let document = Html::parse_document(&html);
    let rows = Selector::parse("table tbody tr").unwrap();
    let cells = Selector::parse("td").unwrap();
    // The page's table has the columns of the downloads, but for the part, which stands under
    // the period's label, and "100 %" for a percentage.
    let muted = Selector::parse("span.muted").unwrap();
    let cells: Vec<Vec<String>> = document
        .select(&rows)
        .map(|row| {
            let mut out: Vec<String> = Vec::new();
            for (i, cell) in row.select(&cells).enumerate() {
                if i == 3 {
                    let label = cell.text().next().unwrap_or_default().trim().to_owned();
                    let part = cell.select(&muted).next().map(text_of).unwrap_or_default();
                    out.push(label);
                    out.push(part);
                } else {
                    out.push(text_of(cell).trim_end_matches(" %").to_owned());
                }
            }
            out
        })
        .collect();
    let on_report = crate::reports::as_rows(&cells);
    let expected: BTreeSet<crate::reports::Row> = trainings
        .iter()
        .filter(|t| !matches!(t.status.as_str(), "concept" | "afgekeurd"))
        .flat_map(|t| t.report_periods.iter())
        .filter(|p| p.6 == radboud)
        .map(|p| {
            (
                p.0.clone(),
                p.1.clone(),
                p.2.clone(),
                p.3.clone(),
                p.4.clone(),
                p.5.clone(),
            )
        })
        .collect();
    assert!(expected.len() >= 3, "{expected:#?}");
    assert_eq!(on_report, expected, "the report:\n{html}");
}

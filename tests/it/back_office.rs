//! The RGS back office decides: extensions and interruptions as new schedule versions,
//! striking off and ending registrations, the werkvoorraad of registrations that wait too
//! long, blocking accounts; and nobody but the RGS reaches any of it.

use crate::helpers::database::database;
use mijnrgs::platform::clock::Clock;
use reqwest::StatusCode;
use uuid::Uuid;

use crate::aios::{propose_ntc, status, submit, version_statuses};
use crate::helpers::accounts::{log_in_demo, submit_password, user_id};
use crate::helpers::{TestApp, location};
use crate::payments::approve;
use crate::supervision::submitted_training;

/// Noor's IGT training, submitted and approved by the demo opleider; returns the training
/// and a client logged in as the demo RGS-medewerker.
async fn approved_training(app: &TestApp) -> (Uuid, reqwest::Client) {
    let training = submitted_training(app).await;
    approve(app, training).await;
    let rgs = app.new_client();
    log_in_demo(app, &rgs, "demo.rgs").await;
    (training, rgs)
}

async fn extend(
    app: &TestApp,
    rgs: &reqwest::Client,
    training: Uuid,
    months: &str,
    reason: &str,
) -> reqwest::Response {
    app.post_form_with(
        rgs,
        &format!("/rgs/opleidingen/{training}/verlenging"),
        &[
            ("onderdeel", "0"),
            ("maanden", months),
            ("verlengingsreden", reason),
        ],
    )
    .await
}

async fn interrupt(
    app: &TestApp,
    rgs: &reqwest::Client,
    training: Uuid,
    from: &str,
    to: &str,
) -> reqwest::Response {
    let isala: Uuid = sqlx::query_scalar("SELECT id FROM institutions WHERE name = 'Isala'")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    app.post_form_with(
        rgs,
        &format!("/rgs/opleidingen/{training}/onderbreking"),
        &[
            ("soort", "ziekte"),
            ("begindatum", from),
            ("einddatum", to),
            ("instelling", isala.to_string().as_str()),
            ("toelichting", "Langdurige ziekte, gemeld door de opleider"),
        ],
    )
    .await
}

async fn count(app: &TestApp, sql: &str, training: Uuid) -> i64 {
    sqlx::query_scalar(sql)
        .bind(training)
        .fetch_one(&app.state.db)
        .await
        .unwrap()
}

async fn mails_with(app: &TestApp, subject: &str) -> Vec<mijnrgs::platform::mail::OutgoingEmail> {
    app.sent_emails()
        .await
        .into_iter()
        .filter(|m| m.subject == subject)
        .collect()
}

#[tokio::test]
async fn the_rgs_extends_a_schedule_as_a_new_version_it_decided_and_aios_and_opleider_are_told() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let (training, rgs) = approved_training(&app).await;
    let page = app
        .page_with(&rgs, &format!("/rgs/opleidingen/{training}"))
        .await;
    assert!(page.contains("Geldend schema (versie 1)"), "{page}");
    assert!(page.contains("Verlenging (intensief begeleidingstraject)"));

    let response = extend(
        &app,
        &rgs,
        training,
        "6",
        "Intensief begeleidingstraject na toetsing",
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        version_statuses(&app, training).await,
        ["goedgekeurd", "goedgekeurd"]
    );
    let clerk = user_id(&app, "demo.rgs").await;
    let (created_by, decided_by, months): (Uuid, Uuid, i32) = sqlx::query_as(
        "SELECT v.created_by, v.decided_by, e.months FROM schedule_versions v
         JOIN schedule_extensions e ON e.version_id = v.id
         WHERE v.training_id = $1 AND v.number = 2",
    )
    .bind(training)
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!((created_by, decided_by, months), (clerk, clerk, 6));
    let page = app
        .page_with(&rgs, &format!("/rgs/opleidingen/{training}"))
        .await;
    assert!(
        page.contains("De wijziging is vastgelegd als versie 2"),
        "{page}"
    );
    assert!(page.contains("Geldend schema (versie 2)"));
    // 33 months plus 6 of extension.
    assert!(
        page.contains("Nog 15 maanden in te plannen (24 van 39 maanden ingevoerd)"),
        "the required duration grows: {page}"
    );

    let to_aios = mails_with(&app, "Uw opleidingsschema is gewijzigd door de RGS").await;
    assert_eq!(to_aios.len(), 1);
    assert_eq!(to_aios[0].to_address, "noor@example.nl");
    assert!(to_aios[0].body.contains("een verlenging van 6 maanden"));
    assert!(to_aios[0].body.contains("versie 2"));
    assert!(
        to_aios[0]
            .body
            .contains("Intensief begeleidingstraject na toetsing")
    );
    let to_opleider = mails_with(&app, "Opleidingsschema van uw aios gewijzigd door de RGS").await;
    assert_eq!(to_opleider.len(), 1);
    assert!(to_opleider[0].body.contains("Noor Bakker"));
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM audit_log WHERE action = 'schedule.extension_entered'
             AND object_id = $1::text",
            training
        )
        .await,
        1
    );
}

#[tokio::test]
async fn extensions_beyond_twelve_months_or_typed_wrongly_are_refused_and_nothing_is_written() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let (training, rgs) = approved_training(&app).await;
    for (months, reason, message) in [
        ("13", "Een te lange verlenging", "hoogstens 12 maanden"),
        ("zes", "Een verlenging in letters", "heel getal"),
        ("6", "", "Geef de reden van de verlenging"),
    ] {
        let response = extend(&app, &rgs, training, months, reason).await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{months}"
        );
        let page = response.text().await.unwrap();
        assert!(page.contains(message), "{months}: {page}");
    }
    assert_eq!(version_statuses(&app, training).await.len(), 1);

    assert_eq!(
        extend(&app, &rgs, training, "8", "Eerste traject")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    // Together 14 months: the engine's limit of 12 in total.
    let response = extend(&app, &rgs, training, "6", "Tweede traject").await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(page.contains("fouten die het nu niet heeft"), "{page}");
    assert_eq!(version_statuses(&app, training).await.len(), 2);
    assert_eq!(
        mails_with(&app, "Uw opleidingsschema is gewijzigd door de RGS")
            .await
            .len(),
        1
    );
}

#[tokio::test]
async fn an_interruption_entered_by_the_rgs_cannot_be_removed_by_the_aios() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let (training, rgs) = approved_training(&app).await;
    // Inside a period: the schedule would get an overlap it did not have.
    let response = interrupt(&app, &rgs, training, "01-06-2028", "01-07-2028").await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("valt (deels) samen met periode")
    );
    assert_eq!(version_statuses(&app, training).await.len(), 1);

    let response = interrupt(&app, &rgs, training, "01-03-2029", "01-05-2029").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let item: Uuid = sqlx::query_scalar(
        "SELECT i.origin_id FROM schedule_interruptions i
         JOIN schedule_versions v ON v.id = i.version_id
         WHERE v.training_id = $1 AND v.number = 2 AND i.entered_by_rgs",
    )
    .bind(training)
    .fetch_one(&app.state.db)
    .await
    .unwrap();

    // The aios (the default client) starts a change request: the RGS's interruption is in it,
    // and removing it is not the aios's to do.
    let response = app
        .post_form(&format!("/aios/opleidingen/{training}/wijzigen"), &[])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let copy: Uuid = sqlx::query_scalar(
        "SELECT i.id FROM schedule_interruptions i
         JOIN schedule_versions v ON v.id = i.version_id
         WHERE v.training_id = $1 AND v.status = 'concept' AND i.origin_id = $2",
    )
    .bind(training)
    .bind(item)
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    let revision = crate::aios::revision(&app, training).await;
    let response = app
        .post_form(
            &format!("/aios/opleidingen/{training}/onderbrekingen/{copy}/verwijderen"),
            &[("bevestigd", "ja"), ("revisie", revision.as_str())],
        )
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let page = app
        .page_with(&app.client, &format!("/aios/opleidingen/{training}"))
        .await;
    assert!(page.contains("Ingevoerd door de RGS"));
}

#[tokio::test]
async fn the_aios_concept_is_carried_over_on_top_of_the_rgs_change_and_a_waiting_request_blocks_it()
{
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let (training, rgs) = approved_training(&app).await;
    propose_ntc(&app, training).await;

    let response = extend(
        &app,
        &rgs,
        training,
        "3",
        "Verlenging tijdens een wijziging",
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        version_statuses(&app, training).await,
        ["goedgekeurd", "ingetrokken", "goedgekeurd", "concept"]
    );
    // The carried concept has the aios's NTC period and the RGS's extension.
    let (ntc, extension): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM schedule_periods WHERE version_id = v.id AND label = 'NTC'),
                (SELECT count(*) FROM schedule_extensions WHERE version_id = v.id AND months = 3)
         FROM schedule_versions v WHERE v.training_id = $1 AND v.number = 4",
    )
    .bind(training)
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!((ntc, extension), (1, 1));
    let mail = mails_with(&app, "Uw opleidingsschema is gewijzigd door de RGS").await;
    assert!(mail[0].body.contains("staat nu als concept in versie 4"));

    // The aios submits it; while it waits for the opleider, the RGS cannot amend.
    assert_eq!(
        submit(&app, training, true).await.status(),
        StatusCode::SEE_OTHER
    );
    let response = extend(&app, &rgs, training, "2", "Nog een verlenging").await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Er wacht een wijzigingsverzoek (versie 4) op de opleider")
    );
    assert_eq!(version_statuses(&app, training).await.len(), 4);
}

#[tokio::test]
async fn the_work_list_shows_waiting_registrations_and_striking_one_off_closes_it() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let training = submitted_training(&app).await;
    let rgs = app.new_client();
    log_in_demo(&app, &rgs, "demo.rgs").await;
    let list = app.page_with(&rgs, "/rgs/werkvoorraad").await;
    assert!(!list.contains("Noor Bakker"), "not waiting long yet");

    // Fifteen days later the request still waits for the opleider and for payment.
    app.clock.advance(chrono::Duration::days(15));
    let rgs = app.new_client();
    log_in_demo(&app, &rgs, "demo.rgs").await;
    let list = app.page_with(&rgs, "/rgs/werkvoorraad").await;
    assert!(
        list.contains("Eerste schema (versie 1) bij Dr. Pieter Jansen"),
        "{list}"
    );
    assert!(list.contains("Betaling van factuur 2026-"), "{list}");
    assert!(list.contains(&format!("/rgs/opleidingen/{training}")));
    let shorter = app.page_with(&rgs, "/rgs/werkvoorraad?dagen=30").await;
    assert!(!shorter.contains("Noor Bakker"));
    let response = rgs
        .get(app.url("/rgs/werkvoorraad?dagen=veel"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let close = |kind: &'static str, reason: &'static str| {
        let rgs = rgs.clone();
        let app = &app;
        async move {
            app.post_form_with(
                &rgs,
                &format!("/rgs/opleidingen/{training}/afsluiten"),
                &[
                    ("bevestigd", "ja"),
                    ("afsluiting", kind),
                    ("afsluitreden", reason),
                ],
            )
            .await
        }
    };
    // A request still waiting cannot be ended, and a reason is required.
    let response = close("beeindigd", "Gestopt met de opleiding").await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await.unwrap().contains("kunt u doorhalen"));
    let response = close("doorgehaald", "").await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await.unwrap().contains("Geef een reden"));
    assert_eq!(status(&app, training).await, "ingediend");

    let response = close("doorgehaald", "Na drie herinneringen niet betaald").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(status(&app, training).await, "doorgehaald");
    assert_eq!(version_statuses(&app, training).await, ["afgekeurd"]);
    let page = app
        .page_with(&rgs, &format!("/rgs/opleidingen/{training}"))
        .await;
    assert!(
        page.contains("De registratie is doorgehaald door"),
        "{page}"
    );
    assert!(page.contains("Na drie herinneringen niet betaald"));
    let subject = "Opleidingsregistratie doorgehaald";
    let mails = mails_with(&app, subject).await;
    let mut to: Vec<_> = mails.iter().map(|m| m.to_address.as_str()).collect();
    to.sort_unstable();
    assert_eq!(to.len(), 2, "aios and opleider");
    assert!(to.contains(&"noor@example.nl"));
    assert!(
        mails
            .iter()
            .all(|m| m.body.contains("Na drie herinneringen niet betaald"))
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM audit_log WHERE action = 'training.struck_off'
             AND object_id = $1::text",
            training
        )
        .await,
        1
    );
    // Closed once: a second decision is refused and the queue is empty again.
    let response = close("doorgehaald", "Nogmaals doorhalen").await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await.unwrap().contains("al afgesloten"));
    let list = app.page_with(&rgs, "/rgs/werkvoorraad").await;
    assert!(!list.contains("Noor Bakker"));
}

#[tokio::test]
async fn an_ended_registration_is_not_reminded_of_its_invoice_and_cannot_be_amended() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let (training, rgs) = approved_training(&app).await;
    assert_eq!(status(&app, training).await, "goedgekeurd");
    let response = app
        .post_form_with(
            &rgs,
            &format!("/rgs/opleidingen/{training}/afsluiten"),
            &[
                ("bevestigd", "ja"),
                ("afsluiting", "beeindigd"),
                ("afsluitreden", "De aios is gestopt"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(status(&app, training).await, "beeindigd");
    assert_eq!(
        mails_with(&app, "Opleidingsregistratie beëindigd")
            .await
            .len(),
        2
    );

    app.clock.advance(chrono::Duration::hours(25));
    mijnrgs::dispatcher::run_due(&app.state, app.clock.now())
        .await
        .unwrap();
    assert!(
        app.sent_emails()
            .await
            .iter()
            .all(|m| !m.subject.starts_with("Herinnering")),
        "no payment reminder for an ended registration"
    );
    let rgs = app.new_client();
    log_in_demo(&app, &rgs, "demo.rgs").await;
    let response = extend(&app, &rgs, training, "3", "Te laat voor een verlenging").await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await.unwrap().contains("afgesloten"));
}

#[tokio::test]
async fn a_blocked_account_cannot_log_in_and_its_sessions_end_until_it_is_unblocked() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    crate::helpers::accounts::seed_demo(&app).await;
    let aios = app.new_client();
    log_in_demo(&app, &aios, "demo.aios").await;
    let rgs = app.new_client();
    log_in_demo(&app, &rgs, "demo.rgs").await;
    let anna = user_id(&app, "demo.aios").await;
    let clerk = user_id(&app, "demo.rgs").await;

    // Found by BIG-nummer.
    let big: String =
        sqlx::query_scalar("SELECT big_number FROM personal_details WHERE user_id = $1")
            .bind(anna)
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    let found = app
        .page_with(&rgs, &format!("/rgs/gebruikers?zoek={big}"))
        .await;
    assert!(
        found.contains(&format!("/rgs/gebruikers/{anna}")),
        "{found}"
    );

    let block = |who: Uuid, reason: &'static str| {
        let rgs = rgs.clone();
        let app = &app;
        async move {
            app.post_form_with(
                &rgs,
                &format!("/rgs/gebruikers/{who}/blokkeren"),
                &[("reden", reason)],
            )
            .await
        }
    };
    assert_eq!(
        block(anna, "").await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let own = block(clerk, "Mijn eigen account").await;
    assert_eq!(own.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        own.text()
            .await
            .unwrap()
            .contains("eigen account niet blokkeren")
    );
    assert_eq!(
        block(anna, "Vermoeden van misbruik van het account")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let page = app
        .page_with(&rgs, &format!("/rgs/gebruikers/{anna}"))
        .await;
    assert!(page.contains("Geblokkeerd"), "{page}");

    // Her session has ended; the right password now says why, a wrong one does not.
    let response = aios.get(app.url("/account")).send().await.unwrap();
    assert!(location(&response).starts_with("/inloggen"), "{response:?}");
    let right = submit_password(&app, &aios, "demo.aios", mijnrgs::seed::DEMO_PASSWORD).await;
    assert_eq!(right.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        right
            .text()
            .await
            .unwrap()
            .contains("Uw account is geblokkeerd")
    );
    let wrong = submit_password(&app, &aios, "demo.aios", "niet het wachtwoord").await;
    assert!(!wrong.text().await.unwrap().contains("geblokkeerd"));

    let response = app
        .post_form_with(&rgs, &format!("/rgs/gebruikers/{anna}/deblokkeren"), &[])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    log_in_demo(&app, &aios, "demo.aios").await;
    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_log WHERE actor_user_id = $1 AND action LIKE 'user.%'
         ORDER BY id",
    )
    .bind(clerk)
    .fetch_all(&app.state.db)
    .await
    .unwrap();
    assert!(actions.contains(&"user.blocked".to_owned()));
    assert!(actions.contains(&"user.unblocked".to_owned()));
}

/// Every back-office route, with ids filled in. The test below checks that no `/rgs/` route
/// of the router is missing here.
const BACK_OFFICE_ROUTES: &[(&str, &str)] = &[
    ("GET", "/rgs/accountaanvragen"),
    ("GET", "/rgs/accountaanvragen/{id}"),
    ("POST", "/rgs/accountaanvragen/{id}/goedkeuren"),
    ("POST", "/rgs/accountaanvragen/{id}/afwijzen"),
    ("GET", "/rgs/auditlog"),
    ("GET", "/rgs/werkvoorraad"),
    ("POST", "/rgs/mails/{id}/opnieuw"),
    ("GET", "/rgs/gebruikers"),
    ("GET", "/rgs/gebruikers/{id}"),
    ("POST", "/rgs/gebruikers/{id}/tweede-factor"),
    ("POST", "/rgs/gebruikers/{id}/rollen"),
    ("POST", "/rgs/gebruikers/{id}/rollen/{assignment}/intrekken"),
    ("POST", "/rgs/gebruikers/{id}/blokkeren"),
    ("POST", "/rgs/gebruikers/{id}/deblokkeren"),
    ("GET", "/rgs/facturen/{id}"),
    ("POST", "/rgs/facturen/{id}/crediteren"),
    ("GET", "/rgs/opleidingen/{id}"),
    ("POST", "/rgs/opleidingen/{id}/afsluiten"),
    ("POST", "/rgs/opleidingen/{id}/verlenging"),
    ("POST", "/rgs/opleidingen/{id}/onderbreking"),
    ("GET", "/rgs/herregistraties/{id}"),
    ("POST", "/rgs/herregistraties/{id}/besluit"),
    ("GET", "/rgs/referentiegegevens"),
    ("GET", "/rgs/referentiegegevens/instellingen"),
    ("POST", "/rgs/referentiegegevens/instellingen"),
    ("GET", "/rgs/referentiegegevens/instellingen/{id}"),
    ("POST", "/rgs/referentiegegevens/instellingen/{id}"),
    ("GET", "/rgs/referentiegegevens/instituten"),
    ("POST", "/rgs/referentiegegevens/instituten"),
    ("GET", "/rgs/referentiegegevens/instituten/{id}"),
    ("POST", "/rgs/referentiegegevens/instituten/{id}"),
    ("GET", "/rgs/referentiegegevens/onderbrekingen"),
    ("POST", "/rgs/referentiegegevens/onderbrekingen"),
    ("GET", "/rgs/referentiegegevens/onderbrekingen/{code}"),
    ("POST", "/rgs/referentiegegevens/onderbrekingen/{code}"),
    ("GET", "/rgs/referentiegegevens/tarieven"),
    ("POST", "/rgs/referentiegegevens/tarieven"),
    ("GET", "/rgs/referentiegegevens/tarieven/{id}"),
    ("POST", "/rgs/referentiegegevens/tarieven/{id}"),
    ("GET", "/rgs/referentiegegevens/specialismen"),
    ("POST", "/rgs/referentiegegevens/specialismen"),
    ("GET", "/rgs/referentiegegevens/specialismen/{id}"),
    ("POST", "/rgs/referentiegegevens/specialismen/{id}"),
    (
        "POST",
        "/rgs/referentiegegevens/specialismen/{id}/onderdelen/{position}",
    ),
    (
        "POST",
        "/rgs/referentiegegevens/specialismen/{id}/erkenningen",
    ),
    (
        "POST",
        "/rgs/referentiegegevens/specialismen/{id}/erkenningen/{institution}/intrekken",
    ),
    (
        "POST",
        "/rgs/referentiegegevens/specialismen/{id}/instituten",
    ),
    (
        "POST",
        "/rgs/referentiegegevens/specialismen/{id}/instituten/{institute}/ontkoppelen",
    ),
];

/// The `/rgs/` paths the source of the router declares (every `.route("/rgs/…"` under `src`).
fn declared_back_office_routes() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = Vec::new();
    let mut files = vec![dir];
    while let Some(path) = files.pop() {
        if path.is_dir() {
            for entry in std::fs::read_dir(&path).unwrap() {
                files.push(entry.unwrap().path());
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            let source = std::fs::read_to_string(&path).unwrap();
            for call in source.split(".route(").skip(1) {
                let Some(piece) = call.trim_start().strip_prefix("\"/rgs/") else {
                    continue;
                };
                if let Some(end) = piece.find('"') {
                    let route = format!("/rgs/{}", &piece[..end]);
                    if !route.contains("?") && !route.contains(' ') {
                        found.push(route);
                    }
                }
            }
        }
    }
    found
}

/// `path` with every `{placeholder}` written as `{}`.
fn shape(path: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in path.chars() {
        match c {
            '{' => {
                inside = true;
                out.push_str("{}");
            }
            '}' => inside = false,
            _ if inside => {}
            _ => out.push(c),
        }
    }
    out
}

#[test]
fn every_back_office_route_of_the_router_is_in_the_table() {
    let known: Vec<String> = BACK_OFFICE_ROUTES.iter().map(|(_, p)| shape(p)).collect();
    let declared = declared_back_office_routes();
    // Both ways: no row of the table names a route the router lacks.
    let declared_shapes: Vec<String> = declared.iter().map(|route| shape(route)).collect();
    for (_, path) in BACK_OFFICE_ROUTES {
        assert!(
            declared_shapes.contains(&shape(path)),
            "{path} is in BACK_OFFICE_ROUTES but no route declares it: {declared:?}"
        );
    }
    for route in declared {
        assert!(
            known.contains(&shape(&route)),
            "{route} is not in BACK_OFFICE_ROUTES"
        );
    }
}

#[tokio::test]
async fn nobody_but_the_rgs_reaches_any_back_office_route() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let (training, rgs) = approved_training(&app).await;
    let invoice: Uuid = sqlx::query_scalar("SELECT id FROM invoices WHERE training_id = $1")
        .bind(training)
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    let anna = user_id(&app, "demo.aios").await;
    let id_of = |sql: &'static str| {
        let db = app.state.db.clone();
        async move {
            sqlx::query_scalar::<_, Uuid>(sql)
                .fetch_one(&db)
                .await
                .unwrap()
                .to_string()
        }
    };
    let institution = id_of("SELECT id FROM institutions WHERE name = 'Isala'").await;
    let institute = id_of("SELECT id FROM institutes LIMIT 1").await;
    let fee = id_of("SELECT id FROM fees LIMIT 1").await;
    let specialty = id_of("SELECT id FROM specialties WHERE code = 'igt'").await;
    let (_, reregistration) = crate::registers::demo_specialist_request(&app).await;
    let path = |template: &str| {
        let id = if template.contains("/herregistraties/") {
            reregistration.to_string()
        } else if template.contains("/facturen/") {
            invoice.to_string()
        } else if template.contains("/opleidingen/") {
            training.to_string()
        } else if template.contains("/instellingen/") {
            institution.clone()
        } else if template.contains("/instituten/") {
            institute.clone()
        } else if template.contains("/tarieven/") {
            fee.clone()
        } else if template.contains("/specialismen/") {
            specialty.clone()
        } else {
            anna.to_string()
        };
        template
            .replace("{id}", &id)
            .replace("{code}", "ziekte")
            .replace("{position}", "0")
            .replace("{institution}", &institution)
            .replace("{institute}", &institute)
            .replace("{assignment}", &Uuid::nil().to_string())
    };
    // The RGS itself reaches the pages.
    for (method, template) in BACK_OFFICE_ROUTES {
        if *method == "GET" && !template.contains("accountaanvragen/{id}") {
            let response = rgs.get(app.url(&path(template))).send().await.unwrap();
            assert_eq!(response.status(), StatusCode::OK, "rgs: {template}");
        }
    }
    for username in [
        "demo.aios",
        "demo.opleider",
        "demo.ondersteuner",
        "demo.specialist",
        "demo.contactpersoon",
    ] {
        let client = app.new_client();
        log_in_demo(&app, &client, username).await;
        for (method, template) in BACK_OFFICE_ROUTES {
            let url = app.url(&path(template));
            let response = if *method == "GET" {
                client.get(url).send().await.unwrap()
            } else {
                app.post_form_with(&client, &path(template), &[("reden", "Een poging")])
                    .await
            };
            assert_eq!(
                response.status(),
                StatusCode::NOT_FOUND,
                "{username}: {method} {template}"
            );
        }
    }
    // Nothing changed on the way.
    assert_eq!(status(&app, training).await, "goedgekeurd");
    let reference_changes: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action LIKE 'reference.%'")
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert_eq!(reference_changes, 0);
    assert_eq!(version_statuses(&app, training).await.len(), 1);
    let undecided: String =
        sqlx::query_scalar("SELECT status FROM register_applications WHERE id = $1")
            .bind(reregistration)
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert_eq!(undecided, "ingediend");
}

#[tokio::test]
async fn each_irreversible_back_office_decision_is_restated_first_and_changes_nothing_until_confirmed()
 {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    crate::helpers::accounts::seed_demo(&app).await;
    let rgs = app.new_client();
    log_in_demo(&app, &rgs, "demo.rgs").await;
    let restated = |page: &str, decision: &str| {
        assert!(page.contains("<h1>Controleer uw besluit</h1>"), "{page}");
        assert!(page.contains(decision), "{decision} in {page}");
        assert!(page.contains(r#"<input type="hidden" name="bevestigd" value="ja">"#));
    };

    // Resetting a second factor.
    let anna = user_id(&app, "demo.aios").await;
    let path = format!("/rgs/gebruikers/{anna}/tweede-factor");
    let response = app.post_form_with(&rgs, &path, &[]).await;
    assert_eq!(response.status(), StatusCode::OK);
    restated(
        &response.text().await.unwrap(),
        "U verwijdert de koppeling van Anna de Vries met de authenticator-app.",
    );
    let enrolled = || async {
        sqlx::query_scalar::<_, bool>(
            "SELECT totp_enrolled_at IS NOT NULL FROM users WHERE id = $1",
        )
        .bind(anna)
        .fetch_one(&app.state.db)
        .await
        .unwrap()
    };
    assert!(enrolled().await, "nothing reset yet");

    // Revoking a role.
    let sanne = user_id(&app, "demo.ondersteuner").await;
    let assignment: Uuid = sqlx::query_scalar(
        "SELECT id FROM role_assignments WHERE user_id = $1 AND role = 'ondersteuner'",
    )
    .bind(sanne)
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    let response = app
        .post_form_with(
            &rgs,
            &format!("/rgs/gebruikers/{sanne}/rollen/{assignment}/intrekken"),
            &[],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    restated(
        &response.text().await.unwrap(),
        "U trekt de rol Opleidingsondersteuner",
    );

    // Striking off a registration.
    let training = crate::start::training_of(&app, "Anna de Vries", "huisartsgeneeskunde").await;
    let response = app
        .post_form_with(
            &rgs,
            &format!("/rgs/opleidingen/{training}/afsluiten"),
            &[
                ("afsluiting", "doorgehaald"),
                ("afsluitreden", "Op verzoek van de aios."),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let page = response.text().await.unwrap();
    restated(
        &page,
        "U haalt de opleidingsregistratie van Anna de Vries door.",
    );
    assert!(page.contains("Op verzoek van de aios."));
    assert_eq!(status(&app, training).await, "ingediend");

    // Crediting an invoice.
    let (invoice, number): (Uuid, String) = sqlx::query_as(
        "SELECT i.id, i.number FROM invoices i WHERE i.user_id = $1 AND i.status = 'open'
         ORDER BY i.number LIMIT 1",
    )
    .bind(anna)
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    let response = app
        .post_form_with(
            &rgs,
            &format!("/rgs/facturen/{invoice}/crediteren"),
            &[("reden", "Dubbel gefactureerd")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    restated(
        &response.text().await.unwrap(),
        &format!("U crediteert factuur {number} van Anna de Vries."),
    );
    let credits: i64 = sqlx::query_scalar("SELECT count(*) FROM invoices WHERE credit_for = $1")
        .bind(invoice)
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(credits, 0, "nothing credited yet");

    // Confirmed, the reset is done and said so once.
    let done = app
        .post_form_with(&rgs, &path, &[("bevestigd", "ja")])
        .await;
    assert_eq!(location(&done), "/vastgelegd");
    assert!(!enrolled().await);
    let page = app.page_with(&rgs, "/vastgelegd").await;
    assert!(page.contains("<h1>Tweede factor verwijderd</h1>"), "{page}");
}

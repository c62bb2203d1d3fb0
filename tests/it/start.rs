//! The start page "Wat wacht op u": every role lands there after logging in and is shown what
//! waits, with links straight to each item.

use reqwest::StatusCode;
use uuid::Uuid;

use crate::helpers::accounts::{log_in_demo, register_and_log_in, seed_demo};
use crate::helpers::database::database;
use crate::helpers::{TestApp, location};

/// The start page of `client`, checked to be the start page.
async fn start_page(app: &TestApp, client: &reqwest::Client) -> String {
    let page = app.page_with(client, "/start").await;
    assert!(page.contains("<h1>Wat wacht op u</h1>"), "{page}");
    page
}

/// The training of the demo aios called `trainee` (full name) in `specialty` (its code).
pub(crate) async fn training_of(app: &TestApp, trainee: &str, specialty: &str) -> Uuid {
    sqlx::query_scalar(
        "SELECT t.id FROM trainings t JOIN users u ON u.id = t.trainee_id
         JOIN specialties s ON s.id = t.specialty_id
         WHERE u.full_name = $1 AND s.code = $2",
    )
    .bind(trainee)
    .bind(specialty)
    .fetch_one(&app.state.db)
    .await
    .expect("the demo training")
}

/// The part of `page` from `from` up to `to` (or the end).
fn between<'p>(page: &'p str, from: &str, to: &str) -> &'p str {
    let start = page
        .find(from)
        .unwrap_or_else(|| panic!("{from:?} in {page}"));
    let rest = &page[start..];
    rest.find(to).map_or(rest, |end| &rest[..end])
}

#[tokio::test]
async fn the_opleider_lands_on_counts_of_what_waits_for_his_decision_each_linked_to_the_aios() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    seed_demo(&app).await;
    let client = app.new_client();
    log_in_demo(&app, &client, "demo.opleider").await;
    let page = start_page(&app, &client).await;

    let aios = between(&page, "<h2 id=\"sectie-1\">Uw aios</h2>", "</section>");
    assert!(
        aios.contains("1 opleidingsschema wacht op uw besluit."),
        "{aios}"
    );
    assert!(
        aios.contains("1 wijzigingsverzoek wacht op uw besluit."),
        "{aios}"
    );
    assert!(
        aios.contains("1 voorgestelde verkorting wacht op uw besluit."),
        "{aios}"
    );
    assert!(
        aios.contains("1 eindverklaring kan nu worden afgegeven."),
        "{aios}"
    );
    let lotte = training_of(&app, "Lotte Visser", "igt").await;
    assert!(
        aios.contains(&format!(
            r#"<a href="/opleider/aios/{lotte}">Verkorting van Lotte Visser"#
        )),
        "{aios}"
    );
    let daan = training_of(&app, "Daan de Boer", "igt").await;
    assert!(
        aios.contains(&format!(
            r#"<a href="/opleider/aios/{daan}">Eindverklaring van Daan de Boer"#
        )),
        "{aios}"
    );
    // The opleider is a specialist too: his own registration comes after his work.
    assert!(
        page.contains("<h2 id=\"sectie-2\">Uw registratie</h2>"),
        "{page}"
    );
    assert!(page.contains("u kunt herregistratie aanvragen vanaf 01-01-2029"));
}

#[tokio::test]
async fn the_ondersteuner_sees_whose_aios_they_are_and_what_only_the_opleider_may_decide_apart() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    seed_demo(&app).await;
    let client = app.new_client();
    log_in_demo(&app, &client, "demo.ondersteuner").await;
    let page = start_page(&app, &client).await;

    let section = between(&page, "Aios van Dr. Pieter Jansen</h2>", "</section>");
    let (hers, opleiders) = section
        .split_once("<h3>Wacht op Dr. Pieter Jansen: alleen de opleider beslist hierover</h3>")
        .expect("what waits on the opleider, under its own heading");
    // Schedules and change requests she may decide on for him.
    assert!(
        hers.contains("1 opleidingsschema wacht op een besluit."),
        "{hers}"
    );
    assert!(
        hers.contains("1 wijzigingsverzoek wacht op een besluit."),
        "{hers}"
    );
    // A shortening and an eindverklaring are his alone, and never listed as hers.
    assert!(!hers.contains("verkorting"), "{hers}");
    assert!(!hers.contains("indverklaring"), "{hers}");
    assert!(
        opleiders.contains("1 voorgestelde verkorting wacht op het besluit van de opleider."),
        "{opleiders}"
    );
    assert!(opleiders.contains("1 eindverklaring kan nu worden afgegeven."));
    assert!(opleiders.contains("Verkorting van Lotte Visser"));
}

#[tokio::test]
async fn the_aios_sees_what_she_has_to_do_apart_from_what_lies_with_her_opleider() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    seed_demo(&app).await;
    let client = app.new_client();
    log_in_demo(&app, &client, "demo.aios").await;
    let page = start_page(&app, &client).await;

    let section = between(&page, "Uw opleiding en registratie</h2>", "</section>");
    let (hers, others) = section
        .split_once("<h3>Ligt bij een ander: u hoeft nu niets te doen</h3>")
        .expect("what lies with others, under its own heading");
    let concept = training_of(&app, "Anna de Vries", "anesthesiologie").await;
    assert!(hers.contains("Anesthesiologie: uw opleidingsschema is nog niet ingediend."));
    assert!(hers.contains(&format!(
        r#"<a href="/aios/opleidingen/{concept}">Schema afmaken en indienen: Anesthesiologie</a>"#
    )));
    assert!(hers.contains("Heelkunde: Dr. Pieter Jansen heeft uw opleidingsschema afgekeurd."));
    assert!(hers.contains("Kindergeneeskunde: uw wijzigingsverzoek is nog niet ingediend."));
    // Each open invoice with its amount, its due date and the way to pay.
    let invoice: (Uuid, String) = sqlx::query_as(
        "SELECT i.id, i.number FROM invoices i JOIN users u ON u.id = i.user_id
         WHERE u.username = 'demo.aios' AND i.status = 'open' ORDER BY i.number LIMIT 1",
    )
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert!(
        hers.contains(&format!(
            r#"<a href="/facturen/{}">Factuur {} bekijken en betalen</a>"#,
            invoice.0, invoice.1
        )),
        "{hers}"
    );
    assert!(hers.contains("te betalen uiterlijk"), "{hers}");
    // What waits for the opleider is only for her information.
    assert!(others.contains(
        "Huisartsgeneeskunde: uw opleidingsschema wacht op het besluit van Dr. Pieter Jansen."
    ));
    assert!(!hers.contains("wacht op het besluit"), "{hers}");
}

#[tokio::test]
async fn the_specialist_contactpersoon_and_rgs_each_start_at_their_own_work() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    seed_demo(&app).await;

    let specialist = app.new_client();
    log_in_demo(&app, &specialist, "demo.specialist").await;
    let page = start_page(&app, &specialist).await;
    let entry: Uuid = sqlx::query_scalar(
        "SELECT e.id FROM register_entries e JOIN users u ON u.id = e.user_id
         WHERE u.username = 'demo.specialist'",
    )
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert!(
        page.contains("Interne geneeskunde: vraag nu herregistratie aan."),
        "{page}"
    );
    assert!(page.contains(&format!(
        r#"<a href="/registratie/inschrijvingen/{entry}/herregistratie">"#
    )));

    let contact = app.new_client();
    log_in_demo(&app, &contact, "demo.contactpersoon").await;
    let page = start_page(&app, &contact).await;
    let radboud: Uuid = sqlx::query_scalar("SELECT id FROM institutions WHERE name = 'Radboudumc'")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert!(page.contains(&format!(
        r#"<a href="/contactpersoon/instellingen/{radboud}/rapport">Registeroverzicht van Radboudumc</a>"#
    )));

    let clerk = app.new_client();
    log_in_demo(&app, &clerk, "demo.rgs").await;
    let page = start_page(&app, &clerk).await;
    let section = between(&page, "Werkvoorraad van de RGS</h2>", "</section>");
    assert!(
        section.contains("2 registratiefacturen staan langer dan 14 dagen open."),
        "{section}"
    );
    assert!(section.contains("1 registratie wacht langer dan 14 dagen op de opleider."));
    assert!(
        section.contains(r#"<a href="/rgs/opleidingen/"#),
        "{section}"
    );
}

#[tokio::test]
async fn an_opleider_with_nothing_left_waiting_is_told_so_and_no_item_is_linked() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    seed_demo(&app).await;
    let client = app.new_client();
    log_in_demo(&app, &client, "demo.opleider").await;
    let lotte = training_of(&app, "Lotte Visser", "igt").await;
    assert!(
        start_page(&app, &client)
            .await
            .contains("Verkorting van Lotte Visser")
    );

    // Every item taken off, as the decisions and the eindverklaring do: nothing is left.
    sqlx::query(
        "UPDATE training_summaries SET schedule_waiting = false, shortening_waiting = false,
                declared = true",
    )
    .execute(&app.state.db)
    .await
    .unwrap();
    let page = start_page(&app, &client).await;
    let section = between(&page, "Uw aios</h2>", "</section>");
    assert!(
        section.contains("Er wacht niets op uw besluit."),
        "{section}"
    );
    assert!(!section.contains(&lotte.to_string()), "{section}");
}

#[tokio::test]
async fn the_home_page_leads_a_logged_in_user_to_the_start_page_and_shows_visitors_the_portal() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let visitor = app.get("/").await;
    assert_eq!(visitor.status(), StatusCode::OK);
    assert!(
        visitor
            .text()
            .await
            .unwrap()
            .contains("Maak een account aan")
    );

    let user = register_and_log_in(&app, "anna", "aios").await;
    let _ = user;
    let home = app.get("/").await;
    assert_eq!(home.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&home), "/start");
    // A new aios without a training yet is told there is nothing to do.
    let page = app.get("/start").await.text().await.unwrap();
    assert!(page.contains("<h1>Wat wacht op u</h1>"));
    assert!(page.contains("Er wacht niets op u."), "{page}");
    assert!(
        page.contains(r#"<a href="/start" aria-current="page">Start</a>"#),
        "{page}"
    );
}

/// The one address in `body` that starts with the portal's `base`, without the base.
fn linked_path(body: &str, base: &str) -> String {
    let links: Vec<&str> = body
        .split(|c: char| c.is_whitespace() || c == '(' || c == ')')
        .filter(|word| word.starts_with(base))
        .collect();
    assert_eq!(links.len(), 1, "one link in {body}");
    links[0][base.len()..].trim_end_matches('.').to_owned()
}

#[tokio::test]
async fn the_mails_about_a_schedule_link_to_it_the_aios_gets_a_receipt_and_the_login_returns_there()
{
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let training = crate::supervision::submitted_training(&app).await;
    let base = app.url("");
    let base = base.trim_end_matches('/');

    // The opleider is asked to judge the schedule, on his page of this aios.
    let asked = app
        .sent_emails()
        .await
        .into_iter()
        .find(|m| {
            m.body
                .contains("U bent als oordelend opleider gevraagd dit te beoordelen")
        })
        .expect("the mail to the opleider");
    let path = linked_path(&asked.body, base);
    assert_eq!(path, format!("/opleider/aios/{training}"));
    // The aios is told, in the same transaction, that it arrived and who judges it.
    let receipt = app
        .sent_emails()
        .await
        .into_iter()
        .find(|m| m.subject == "Uw aanvraag tot opleidingsregistratie is ingediend")
        .expect("the receipt to the aios");
    assert_eq!(receipt.to_address, "noor@example.nl");
    assert!(
        receipt
            .body
            .contains("Uw opleider Dr. Pieter Jansen is gevraagd dit te beoordelen")
    );
    assert_eq!(
        linked_path(&receipt.body, base),
        format!("/aios/opleidingen/{training}")
    );
    // Following it logged out leads through the login and back to the item.
    let opleider = app.new_client();
    let response = opleider.get(app.url(&path)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let login = location(&response).to_owned();
    assert!(login.starts_with("/inloggen?terug="), "{login}");
    let landed =
        crate::helpers::accounts::log_in_demo_returning_to(&app, &opleider, "demo.opleider", &path)
            .await;
    assert_eq!(landed, path);

    // His decision is mailed to the aios with a link to her training.
    let version = crate::supervision::submitted_version(&app, training).await;
    let decided = app
        .post_form_with(
            &opleider,
            &format!("/opleider/aios/{training}/goedkeuren"),
            &[("bevestigd", "ja"), ("versie", version.as_str())],
        )
        .await;
    assert_eq!(decided.status(), StatusCode::SEE_OTHER);
    let told = app
        .sent_emails()
        .await
        .into_iter()
        .find(|m| m.subject == "Uw opleidingsschema is goedgekeurd")
        .expect("the mail to the aios");
    assert_eq!(
        linked_path(&told.body, base),
        format!("/aios/opleidingen/{training}")
    );
}

#[tokio::test]
async fn a_page_that_is_not_theirs_answers_404_with_the_users_own_navigation_and_a_way_back() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    seed_demo(&app).await;
    let lotte = training_of(&app, "Lotte Visser", "igt").await;

    let anna = app.new_client();
    log_in_demo(&app, &anna, "demo.aios").await;
    let response = anna
        .get(app.url(&format!("/aios/opleidingen/{lotte}")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let page = response.text().await.unwrap();
    assert!(page.contains("<h1>Pagina niet gevonden</h1>"), "{page}");
    assert!(page.contains("hoort niet bij uw account"), "{page}");
    assert!(
        page.contains("Ingelogd als Anna de Vries"),
        "her own header: {page}"
    );
    assert!(
        page.contains(r#"<a href="/aios/opleidingen""#),
        "her own menu: {page}"
    );
    assert!(page.contains(r#"<a class="button" href="/start">Naar Wat wacht op u</a>"#));

    // A visitor gets the public page, which says nothing about accounts.
    let visitor = app.get("/bestaat-niet").await;
    assert_eq!(visitor.status(), StatusCode::NOT_FOUND);
    let page = visitor.text().await.unwrap();
    assert!(page.contains("<h1>Pagina niet gevonden</h1>"), "{page}");
    assert!(!page.contains("hoort niet bij uw account"));
    assert!(page.contains(r#"<a class="button" href="/">Naar de startpagina</a>"#));
}

#[tokio::test]
async fn an_ondersteuner_who_follows_a_link_to_what_only_the_opleider_decides_is_told_so() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    seed_demo(&app).await;
    let lotte = training_of(&app, "Lotte Visser", "igt").await;
    let shortening = crate::shortenings::open_shortening(&app, lotte).await;
    let sanne = app.new_client();
    log_in_demo(&app, &sanne, "demo.ondersteuner").await;
    let response = sanne
        .get(app.url(&format!("/opleider/aios/{lotte}/verkortingen/{shortening}")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let page = response.text().await.unwrap();
    assert!(
        page.contains("<h1>Alleen de opleider beslist hierover</h1>"),
        "{page}"
    );
    assert!(page.contains(
        "Over de voorgestelde verkorting van Lotte Visser beslist Dr. Pieter Jansen zelf"
    ));
    assert!(page.contains(&format!(
        r#"<a class="button" href="/opleider/aios/{lotte}">"#
    )));
    // Posting the decision changes nothing.
    let response = app
        .post_form_with(
            &sanne,
            &format!("/opleider/aios/{lotte}/verkortingen/{shortening}/goedkeuren"),
            &[("bevestigd", "ja")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        crate::shortenings::statuses(&app, lotte).await,
        ["voorgesteld"],
        "still proposed"
    );
}

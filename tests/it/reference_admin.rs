//! The RGS keeps the reference data: institutions, institutes, interruption types, fees and
//! specialties. Stale edits are refused; issued invoices never change.

use crate::helpers::database::database;
use reqwest::StatusCode;
use uuid::Uuid;

use crate::helpers::TestApp;
use crate::helpers::accounts::{log_in_demo, seed_demo};

const BASE: &str = "/rgs/referentiegegevens";

async fn rgs(app: &TestApp) -> reqwest::Client {
    seed_demo(app).await;
    let client = app.new_client();
    log_in_demo(app, &client, "demo.rgs").await;
    client
}

/// The hidden `versie` token of the form on `page`.
fn token(page: &str) -> String {
    let start = page
        .find(r#"name="versie" value=""#)
        .expect("a version token")
        + r#"name="versie" value=""#.len();
    page[start..].split('"').next().expect("token").to_owned()
}

async fn audited(app: &TestApp, action: &str) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = $1")
        .bind(action)
        .fetch_one(&app.state.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_rgs_adds_and_renames_an_institution_and_a_stale_edit_is_refused() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let rgs = rgs(&app).await;
    let add = |name: &'static str| {
        let rgs = rgs.clone();
        let app = &app;
        async move {
            app.post_form_with(
                &rgs,
                &format!("{BASE}/instellingen"),
                &[
                    ("naam", name),
                    ("plaats", "Zwolle"),
                    ("soort", "ziekenhuis"),
                ],
            )
            .await
        }
    };
    let response = add("Zwols Streekziekenhuis").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let id: Uuid = sqlx::query_scalar("SELECT id FROM institutions WHERE name = $1")
        .bind("Zwols Streekziekenhuis")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    // The same name in the same city is taken; a form without a name says so.
    let response = add("Zwols Streekziekenhuis").await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await.unwrap().contains("bestaat al"));
    let response = add("").await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await.unwrap().contains("Vul de naam in"));

    let page = app
        .page_with(&rgs, &format!("{BASE}/instellingen/{id}"))
        .await;
    let opened = token(&page);
    let save = |name: &'static str, token: String| {
        let rgs = rgs.clone();
        let app = &app;
        async move {
            app.post_form_with(
                &rgs,
                &format!("{BASE}/instellingen/{id}"),
                &[
                    ("naam", name),
                    ("plaats", "Zwolle"),
                    ("soort", "ziekenhuis"),
                    ("versie", token.as_str()),
                ],
            )
            .await
        }
    };
    assert_eq!(
        save("Streekziekenhuis Zwolle", opened.clone())
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    // A second tab, opened before that save, may not overwrite it.
    let response = save("Ziekenhuis Overijssel", opened).await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let page = response.text().await.unwrap();
    assert!(page.contains("Iemand anders heeft dit gegeven intussen gewijzigd"));
    assert!(page.contains("Ziekenhuis Overijssel"), "the input is kept");
    let name: String = sqlx::query_scalar("SELECT name FROM institutions WHERE id = $1")
        .bind(id)
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(name, "Streekziekenhuis Zwolle");
    assert_eq!(audited(&app, "reference.institution_created").await, 1);
    assert_eq!(audited(&app, "reference.institution_changed").await, 1);
}

#[tokio::test]
async fn an_invoiced_fee_stays_as_it_was_and_a_tariff_for_a_new_year_prices_later_invoices() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let rgs = rgs(&app).await;
    let before: Vec<(String, i32)> =
        sqlx::query_as("SELECT number, amount_cents FROM invoices ORDER BY number")
            .fetch_all(&app.state.db)
            .await
            .unwrap();
    assert!(!before.is_empty(), "the demo has invoices");
    let fee_2026: Uuid = sqlx::query_scalar(
        "SELECT id FROM fees WHERE year = 2026 AND product = 'opleidingsregistratie'
         AND cluster = 1",
    )
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    let page = app
        .page_with(&rgs, &format!("{BASE}/tarieven/{fee_2026}"))
        .await;
    assert!(page.contains("blijft daarom zoals het is"), "{page}");
    let response = app
        .post_form_with(
            &rgs,
            &format!("{BASE}/tarieven/{fee_2026}"),
            &[("bedrag", "1,00"), ("versie", "0")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);

    for (amount, expected) in [
        ("nul", StatusCode::UNPROCESSABLE_ENTITY),
        ("512,50", StatusCode::SEE_OTHER),
        ("600,00", StatusCode::UNPROCESSABLE_ENTITY),
    ] {
        let response = app
            .post_form_with(
                &rgs,
                &format!("{BASE}/tarieven"),
                &[
                    ("jaar", "2027"),
                    ("product", "opleidingsregistratie"),
                    ("cluster", "1"),
                    ("bedrag", amount),
                ],
            )
            .await;
        assert_eq!(response.status(), expected, "{amount}");
    }
    assert_eq!(
        mijnrgs::reference_data::lookup::fee_cents(&app.state.db, 2027, "opleidingsregistratie", 1)
            .await
            .unwrap(),
        Some(51250)
    );
    assert_eq!(
        mijnrgs::reference_data::lookup::fee_cents(&app.state.db, 2026, "opleidingsregistratie", 1)
            .await
            .unwrap(),
        Some(49415),
        "this year's invoices keep this year's tariff"
    );
    // Not yet invoiced, so it can still be corrected; stale forms are refused.
    let fee_2027: Uuid = sqlx::query_scalar("SELECT id FROM fees WHERE year = 2027")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    let page = app
        .page_with(&rgs, &format!("{BASE}/tarieven/{fee_2027}"))
        .await;
    let opened = token(&page);
    let response = app
        .post_form_with(
            &rgs,
            &format!("{BASE}/tarieven/{fee_2027}"),
            &[("bedrag", "510,00"), ("versie", opened.as_str())],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let response = app
        .post_form_with(
            &rgs,
            &format!("{BASE}/tarieven/{fee_2027}"),
            &[("bedrag", "520,00"), ("versie", opened.as_str())],
        )
        .await;
    assert_eq!(response.status(), StatusCode::CONFLICT);

    let after: Vec<(String, i32)> =
        sqlx::query_as("SELECT number, amount_cents FROM invoices ORDER BY number")
            .fetch_all(&app.state.db)
            .await
            .unwrap();
    assert_eq!(before, after, "no issued invoice changed");
    assert_eq!(audited(&app, "reference.fee_created").await, 1);
    assert_eq!(audited(&app, "reference.fee_changed").await, 1);
}

#[tokio::test]
async fn the_rgs_keeps_interruption_types_specialties_parts_and_recognitions() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let rgs = rgs(&app).await;

    // A new kind of interruption that does not count towards the ten days.
    let response = app
        .post_form_with(
            &rgs,
            &format!("{BASE}/onderbrekingen"),
            &[("code", "sabbatical"), ("naam", "Sabbatical")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let types = mijnrgs::reference_data::lookup::interruption_types(&app.state.db)
        .await
        .unwrap();
    assert!(!types["sabbatical"].counts_towards_limit);
    let response = app
        .post_form_with(
            &rgs,
            &format!("{BASE}/onderbrekingen"),
            &[("code", "Sab Batical"), ("naam", "Fout")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // A new profile with one part of 24 months.
    let response = app
        .post_form_with(
            &rgs,
            &format!("{BASE}/specialismen"),
            &[
                ("code", "testprofiel"),
                ("naam", "Testprofiel"),
                ("beroepsnaam", "testarts"),
                ("register", "profiel"),
                ("cluster", "1"),
                ("eu_minimum", ""),
                ("onderdeel", "Opleiding tot testarts"),
                ("maanden", "24"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let id: Uuid = sqlx::query_scalar("SELECT id FROM specialties WHERE code = 'testprofiel'")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    let page = app
        .page_with(&rgs, &format!("{BASE}/specialismen/{id}"))
        .await;
    assert!(page.contains("Opleiding tot testarts"));
    assert!(
        page.contains(r#"name="beroepsnaam" type="text" value="testarts""#),
        "{page}"
    );
    let head = &page[..page.find("</title>").expect("a title")];
    assert!(head.contains("<title>Testprofiel"), "{head}");
    assert!(!head.contains("<section"), "the title holds the name only");
    assert_eq!(page.matches("Instituut koppelen</button>").count(), 1);
    assert_eq!(page.matches("Erkenning toevoegen</button>").count(), 1);

    // The part becomes 30 months; the rules engine reads it.
    let part_token = {
        let start = page.find("/onderdelen/0").expect("the part form");
        token(&page[start..])
    };
    let response = app
        .post_form_with(
            &rgs,
            &format!("{BASE}/specialismen/{id}/onderdelen/0"),
            &[
                ("onderdeel", "Opleiding tot testarts"),
                ("maanden", "30"),
                ("versie", part_token.as_str()),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let rules = mijnrgs::reference_data::lookup::specialty_rules(&app.state.db, id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(rules.parts.len(), 1);
    assert_eq!(rules.parts[0].name, "Opleiding tot testarts");
    assert_eq!(
        rules.parts[0].required,
        rules::schedule::months::Months::whole(30)
    );
    assert!(rules.recognitions.is_none());

    // Recognising Isala, then withdrawing it.
    let isala: Uuid = sqlx::query_scalar("SELECT id FROM institutions WHERE name = 'Isala'")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    let response = app
        .post_form_with(
            &rgs,
            &format!("{BASE}/specialismen/{id}/erkenningen"),
            &[("instelling", isala.to_string().as_str())],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let rules = mijnrgs::reference_data::lookup::specialty_rules(&app.state.db, id)
        .await
        .unwrap()
        .unwrap();
    assert!(rules.recognitions.unwrap().institutions.contains(&isala));
    // The page lists Isala as recognised, and no longer offers it to recognise.
    let page = app
        .page_with(&rgs, &format!("{BASE}/specialismen/{id}"))
        .await;
    let (linked, offered) = linked_and_offered(&page, "erkenningen", "instelling");
    assert_eq!(linked, [isala.to_string()]);
    assert!(!offered.contains(&isala.to_string()), "{offered:?}");
    let institutions: i64 = sqlx::query_scalar("SELECT count(*) FROM institutions")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(offered.len() as i64, institutions - 1, "every other one");
    let response = app
        .post_form_with(
            &rgs,
            &format!("{BASE}/specialismen/{id}/erkenningen/{isala}/intrekken"),
            &[("bevestigd", "ja")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let response = app
        .post_form_with(
            &rgs,
            &format!("{BASE}/specialismen/{id}/erkenningen/{isala}/intrekken"),
            &[("bevestigd", "ja")],
        )
        .await;
    assert_eq!(
        response.status(),
        StatusCode::NOT_FOUND,
        "nothing left to withdraw"
    );

    // The profile is run by an institute: linked, then unlinked.
    let institute: Uuid = sqlx::query_scalar("SELECT id FROM institutes ORDER BY name LIMIT 1")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    let response = app
        .post_form_with(
            &rgs,
            &format!("{BASE}/specialismen/{id}/instituten"),
            &[("koppel_instituut", institute.to_string().as_str())],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let choices = mijnrgs::trainings::training::institutes_for(&app.state.db, id)
        .await
        .unwrap();
    assert_eq!(choices.len(), 1);
    assert_eq!(choices[0].id, institute);
    let page = app
        .page_with(&rgs, &format!("{BASE}/specialismen/{id}"))
        .await;
    let (linked, offered) = linked_and_offered(&page, "instituten", "koppel_instituut");
    assert_eq!(linked, [institute.to_string()]);
    assert!(!offered.is_empty() && !offered.contains(&institute.to_string()));
    let response = app
        .post_form_with(
            &rgs,
            &format!("{BASE}/specialismen/{id}/instituten/{institute}/ontkoppelen"),
            &[],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(
        mijnrgs::trainings::training::institutes_for(&app.state.db, id)
            .await
            .unwrap()
            .is_empty()
    );

    // The same code twice is refused.
    let response = app
        .post_form_with(
            &rgs,
            &format!("{BASE}/specialismen"),
            &[
                ("code", "testprofiel"),
                ("naam", "Ander testprofiel"),
                ("register", "profiel"),
                ("cluster", "1"),
                ("onderdeel", "Deel"),
                ("maanden", "12"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    for action in [
        "reference.interruption_type_created",
        "reference.specialty_created",
        "reference.part_changed",
        "reference.recognition_added",
        "reference.recognition_withdrawn",
        "reference.institute_linked",
        "reference.institute_unlinked",
    ] {
        assert_eq!(audited(&app, action).await, 1, "{action}");
    }
}

/// On a specialty's page, the ids linked under `path` (recognitions or institutes, by their
/// remove forms) and the ids the select `select` offers to add.
fn linked_and_offered(page: &str, path: &str, select: &str) -> (Vec<String>, Vec<String>) {
    let document = scraper::Html::parse_document(page);
    let linked = document
        .select(&crate::bad_input::selector("form[action]"))
        .filter_map(|form| {
            let action = form.value().attr("action")?;
            let (_, rest) = action.split_once(&format!("/{path}/"))?;
            Some(rest.split('/').next()?.to_owned())
        })
        .collect();
    let offered = document
        .select(&crate::bad_input::selector(&format!(
            "select#{select} option"
        )))
        .filter_map(|option| option.value().attr("value"))
        .filter(|value| !value.is_empty())
        .map(str::to_owned)
        .collect();
    (linked, offered)
}

#[tokio::test]
async fn a_specialty_edit_that_leaves_the_eu_minimum_or_the_practitioner_out_is_refused_and_keeps_it()
 {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    seed_demo(&app).await;
    let rgs = rgs(&app).await;
    sqlx::query("UPDATE specialties SET eu_minimum_months = 30 WHERE code = 'igt'")
        .execute(&app.state.db)
        .await
        .unwrap();
    let id: Uuid = sqlx::query_scalar("SELECT id FROM specialties WHERE code = 'igt'")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    let path = format!("{BASE}/specialismen/{id}");
    let page = app.page_with(&rgs, &path).await;
    assert!(
        page.contains(r#"name="eu_minimum" type="text" value="30""#),
        "{page}"
    );
    let name: String = sqlx::query_scalar("SELECT name FROM specialties WHERE id = $1")
        .bind(id)
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    let response = app
        .post_form_with(
            &rgs,
            &path,
            &[
                ("naam", name.as_str()),
                ("beroepsnaam", "tropenarts"),
                ("cluster", "1"),
                ("versie", token(&page).as_str()),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await.unwrap().contains("ontbrak"));
    let kept: (Option<i32>, String) =
        sqlx::query_as("SELECT eu_minimum_months, practitioner FROM specialties WHERE id = $1")
            .bind(id)
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    let practitioner = "arts internationale gezondheidszorg en tropengeneeskunde";
    assert_eq!(kept, (Some(30), practitioner.to_owned()));
    assert!(
        page.contains(&format!(
            r#"name="beroepsnaam" type="text" value="{practitioner}""#
        )),
        "{page}"
    );
    // Without the practitioner field: refused the same way, and nothing cleared.
    let response = app
        .post_form_with(
            &rgs,
            &path,
            &[
                ("naam", name.as_str()),
                ("eu_minimum", "30"),
                ("cluster", "1"),
                ("versie", token(&page).as_str()),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("geen beroepsnaam is")
    );
    let kept: String = sqlx::query_scalar("SELECT practitioner FROM specialties WHERE id = $1")
        .bind(id)
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(kept, practitioner);
}

#[tokio::test]
async fn the_rgs_adds_an_institute_renames_it_under_the_same_code_and_a_stale_edit_is_refused() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let rgs = rgs(&app).await;
    let add = |code: &'static str, name: &'static str| {
        let rgs = rgs.clone();
        let app = &app;
        async move {
            app.post_form_with(
                &rgs,
                &format!("{BASE}/instituten"),
                &[("code", code), ("naam", name), ("plaats", "Zwolle")],
            )
            .await
        }
    };
    let response = add("isala-opleiding", "Isala Opleidingsinstituut").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        response.headers()["location"],
        format!("{BASE}/instituten").as_str()
    );
    let id: Uuid = sqlx::query_scalar("SELECT id FROM institutes WHERE code = $1")
        .bind("isala-opleiding")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    let list = app.page_with(&rgs, &format!("{BASE}/instituten")).await;
    assert!(list.contains("<h1>Opleidingsinstituten</h1>"), "{list}");
    assert!(
        list.contains(&format!(
            r#"href="{BASE}/instituten/{id}">Isala Opleidingsinstituut</a>"#
        )),
        "the new institute links to its edit page: {list}"
    );
    // A code is taken once; a code with capitals is no code.
    let response = add("isala-opleiding", "Tweede Isala").await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(page.contains("bestaat al"), "{page}");
    assert!(
        page.contains(r#"value="Tweede Isala""#),
        "the input is kept"
    );
    let response = add("Isala", "Isala").await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // The edit form has no code: it never changes.
    let page = app
        .page_with(&rgs, &format!("{BASE}/instituten/{id}"))
        .await;
    assert!(
        page.contains("<h1>Isala Opleidingsinstituut</h1>"),
        "{page}"
    );
    assert!(page.contains(r#"name="naam""#));
    assert!(!page.contains(r#"name="code""#), "no code field: {page}");
    let opened = token(&page);
    let save = |name: &'static str, token: String| {
        let rgs = rgs.clone();
        let app = &app;
        async move {
            app.post_form_with(
                &rgs,
                &format!("{BASE}/instituten/{id}"),
                &[
                    ("code", "ander-instituut"),
                    ("naam", name),
                    ("plaats", "Zwolle"),
                    ("versie", token.as_str()),
                ],
            )
            .await
        }
    };
    assert_eq!(
        save("Isala Academie", opened.clone()).await.status(),
        StatusCode::SEE_OTHER
    );
    let response = save("Isala Leerhuis", opened).await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let page = response.text().await.unwrap();
    assert!(page.contains("Iemand anders heeft dit gegeven intussen gewijzigd"));
    assert!(page.contains("Isala Leerhuis"), "the input is kept");
    let (code, name): (String, String) =
        sqlx::query_as("SELECT code, name FROM institutes WHERE id = $1")
            .bind(id)
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert_eq!(
        (code.as_str(), name.as_str()),
        ("isala-opleiding", "Isala Academie"),
        "renamed, and the posted code is ignored"
    );
    assert_eq!(audited(&app, "reference.institute_created").await, 1);
    assert_eq!(audited(&app, "reference.institute_changed").await, 1);
    // An institute that does not exist is not found, to look at or to save.
    let unknown = Uuid::now_v7();
    let response = rgs
        .get(app.url(&format!("{BASE}/instituten/{unknown}")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

//! The public register lookup: anyone searches by name (its words in any order) or BIG-nummer,
//! within one specialty or all, and sees only the name, the BIG-nummer, the register, the dates
//! and the status; searching is paginated, limited per address, and never scans a table.

use crate::helpers::database::database;
use reqwest::StatusCode;

use crate::helpers::TestApp;
use crate::helpers::accounts::seed_demo;

async fn search(app: &TestApp, query: &str) -> (StatusCode, String) {
    let response = app
        .new_client()
        .get(app.url(&format!("/register?{query}")))
        .send()
        .await
        .unwrap();
    (response.status(), response.text().await.unwrap())
}

/// `count` registered specialists called "Jansen NNNNN", set-based.
async fn many_specialists(app: &TestApp, count: i32) {
    sqlx::query(
        "WITH made AS (
             INSERT INTO users (id, username, email, full_name)
             SELECT gen_random_uuid(), 'spec' || n, 'spec' || n || '@example.nl',
                    'Jansen ' || lpad(n::text, 6, '0')
             FROM generate_series(1, $1) AS n
             RETURNING id)
         INSERT INTO register_entries (id, user_id, specialty_id, registered_on, ends_on)
         SELECT gen_random_uuid(), made.id, s.id, DATE '2024-01-01', DATE '2029-01-01'
         FROM made, specialties s WHERE s.code = 'heelkunde'",
    )
    .bind(count)
    .execute(&app.state.db)
    .await
    .unwrap();
}

#[tokio::test]
async fn the_public_register_finds_by_name_and_big_number_and_never_shows_private_data() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    seed_demo(&app).await;
    let (status, page) = search(&app, "").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Naam of BIG-nummer"));

    let (status, by_name) = search(&app, "zoek=amrani").await;
    assert_eq!(status, StatusCode::OK);
    let (_, by_big) = search(&app, "zoek=190+123+456+06").await;
    for page in [&by_name, &by_big] {
        assert!(page.contains("Dr. Karim El Amrani"), "{page}");
        assert!(page.contains("Interne geneeskunde"));
        assert!(page.contains("Specialistenregister"));
        assert!(page.contains("Ingeschreven"));
        // The BIG-nummer is public, as in the BIG-register; nothing else about the person is.
        assert!(page.contains("<td>19012345606</td>"), "{page}");
        for private in [
            "03-02-1978",
            "1978-02-03",
            "Maliebaan",
            "3581 CN",
            "06 87654321",
            "demo.specialist",
            "@example",
            "mijnrgs.test",
        ] {
            assert!(!page.contains(private), "{private} must not be shown");
        }
    }
    let email: String =
        sqlx::query_scalar("SELECT email FROM users WHERE username = 'demo.specialist'")
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert!(!by_name.contains(&email));

    let (status, page) = search(&app, "zoek=el").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Vul minstens 3 letters van de naam in"));
    let (status, page) = search(&app, "zoek=1234567").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Een BIG-nummer heeft 11 cijfers."));
    let (status, page) = search(&app, "zoek=%25%25%25").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Geen inschrijving gevonden"),
        "a literal %, not a wildcard"
    );
    let (status, page) = search(&app, "zoek=%3Cscript%3Ealert(1)%3C%2Fscript%3E").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!page.contains("<script>alert(1)"));
    assert!(page.contains("&#60;script&#62;") || page.contains("&lt;script&gt;"));
    // A new name shows at once.
    sqlx::query(
        "UPDATE users SET full_name = 'Dr. Karim El Amrani-Visser' WHERE username = 'demo.specialist'",
    )
    .execute(&app.state.db)
    .await
    .unwrap();
    let (_, page) = search(&app, "zoek=amrani-visser").await;
    assert!(page.contains("Dr. Karim El Amrani-Visser"), "{page}");
    // An aios (not in any register) is not found.
    let (_, page) = search(&app, "zoek=anna+de+vries").await;
    assert!(page.contains("Geen inschrijving gevonden"));
}

#[tokio::test]
async fn the_public_register_is_paginated() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    many_specialists(&app, 45).await;
    let (_, first) = search(&app, "zoek=jansen").await;
    assert_eq!(first.matches("<td>Heelkunde<br>").count(), 20);
    assert!(first.contains("Jansen 000001"));
    assert!(first.contains("Volgende pagina"));
    assert!(!first.contains("Vorige pagina"));
    let (_, third) = search(&app, "zoek=jansen&pagina=3").await;
    assert_eq!(third.matches("<td>Heelkunde<br>").count(), 5);
    assert!(third.contains("Jansen 000045"));
    assert!(third.contains("Vorige pagina"));
    assert!(!third.contains("Volgende pagina"));
    let (status, _) = search(&app, "zoek=jansen&pagina=abc").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = search(&app, "zoek=jansen&pagina=51").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn more_than_thirty_searches_at_once_from_one_address_get_429() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let client = app.new_client();
    let mut last = StatusCode::OK;
    for _ in 0..31 {
        last = client
            .get(app.url("/register?zoek=jansen"))
            .send()
            .await
            .unwrap()
            .status();
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
}

/// The plan PostgreSQL chooses for the first page of `typed`, as text.
async fn plan(app: &TestApp, typed: &str) -> String {
    plan_of_page(app, typed, 0).await
}

/// The plan for the page of `typed` that starts at row `offset`, within `specialty` if any.
async fn plan_of_page_in(
    app: &TestApp,
    typed: &str,
    offset: i64,
    specialty: Option<uuid::Uuid>,
) -> String {
    let search = mijnrgs::registers::public_register::parse_search(typed)
        .unwrap()
        .unwrap();
    let (sql, texts) = mijnrgs::registers::public_register::sql(&search, specialty);
    let explain = format!("EXPLAIN {sql}");
    let mut query = sqlx::query_scalar(&explain);
    for text in texts {
        query = query.bind(text);
    }
    query = query.bind(21_i64).bind(offset);
    if let Some(specialty) = specialty {
        query = query.bind(specialty);
    }
    let rows: Vec<String> = query.fetch_all(&app.state.db).await.unwrap();
    rows.join("\n")
}

/// The plan for the page of `typed` that starts at row `offset`.
async fn plan_of_page(app: &TestApp, typed: &str, offset: i64) -> String {
    plan_of_page_in(app, typed, offset, None).await
}

#[tokio::test]
async fn a_name_is_found_in_either_word_order_and_the_list_can_be_narrowed_to_a_specialty() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    seed_demo(&app).await;
    for query in ["zoek=karim+amrani", "zoek=amrani+karim", "zoek=AMRANI++el"] {
        let (status, page) = search(&app, query).await;
        assert_eq!(status, StatusCode::OK, "{query}");
        assert!(
            page.contains("<td>Dr. Karim El Amrani</td>"),
            "{query}: {page}"
        );
    }
    let (_, none) = search(&app, "zoek=karim+jansen").await;
    assert!(
        none.contains("Geen inschrijving gevonden"),
        "every word must match"
    );

    let internal: uuid::Uuid =
        sqlx::query_scalar("SELECT id FROM specialties WHERE code = 'interne-geneeskunde'")
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    let surgery: uuid::Uuid =
        sqlx::query_scalar("SELECT id FROM specialties WHERE code = 'heelkunde'")
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    let (_, within) = search(&app, &format!("zoek=amrani&specialisme={internal}")).await;
    assert!(within.contains("<td>Dr. Karim El Amrani</td>"), "{within}");
    assert!(
        within.contains(&format!(r#"<option value="{internal}" selected>"#)),
        "the filter stays chosen"
    );
    let (_, elsewhere) = search(&app, &format!("zoek=amrani&specialisme={surgery}")).await;
    assert!(
        elsewhere.contains("Geen inschrijving gevonden"),
        "{elsewhere}"
    );
    let (status, bad) = search(&app, "zoek=amrani&specialisme=geen-id").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.contains("Kies een specialisme of profiel uit de lijst."));

    // On a phone the status is the second column, visible beside the name.
    let header = &within[within.find("<thead>").unwrap()..within.find("</thead>").unwrap()];
    assert!(
        header.starts_with(r#"<thead><tr><th scope="col">Naam</th><th scope="col">Status</th>"#),
        "{header}"
    );
}

#[tokio::test]
async fn a_search_by_name_or_big_number_uses_an_index_and_never_scans_a_table() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    // 20,000 specialists with Dutch names, each with a BIG-nummer.
    sqlx::query(
        "WITH made AS (
             INSERT INTO users (id, username, email, full_name)
             SELECT gen_random_uuid(), 'spec' || n, 'spec' || n || '@example.nl',
                    (ARRAY['Anna', 'Pieter', 'Karim', 'Fatima', 'Tom', 'Lotte', 'Daan',
                           'Noor', 'Sanne', 'Joost'])[1 + (n / 10) % 10] || ' ' ||
                    (ARRAY['Jansen', 'de Vries', 'Bakker', 'Visser', 'Smit', 'Meijer',
                           'de Boer', 'Mulder', 'de Groot', 'Bos'])[1 + n % 10] || '-' ||
                    lpad(n::text, 5, '0')
             FROM generate_series(1, 20000) AS n
             RETURNING id),
         details AS (
             INSERT INTO personal_details (user_id, big_number)
             SELECT id, '8' || lpad((row_number() OVER (ORDER BY id))::text, 10, '0') FROM made)
         INSERT INTO register_entries (id, user_id, specialty_id, registered_on, ends_on)
         SELECT gen_random_uuid(), made.id, s.id, DATE '2024-01-01', DATE '2029-01-01'
         FROM made, specialties s WHERE s.code = 'heelkunde'",
    )
    .execute(&app.state.db)
    .await
    .unwrap();
    sqlx::query("ANALYZE").execute(&app.state.db).await.unwrap();

    let rare = plan(&app, "Amrani").await;
    assert!(rare.contains("register_entries_name_trgm_idx"), "{rare}");
    let one = plan(&app, "Noor Bakker-00172").await;
    assert!(one.contains("register_entries_name_trgm_idx"), "{one}");
    let common = plan(&app, "Jansen").await;
    let common_last_page = plan_of_page(&app, "Jansen", 980).await;
    let by_big = plan(&app, "80000000123").await;
    // Words in another order, and within a specialty, use the same index.
    let turned = plan(&app, "00172 bakker noor").await;
    assert!(
        turned.contains("register_entries_name_trgm_idx"),
        "{turned}"
    );
    let surgery: uuid::Uuid =
        sqlx::query_scalar("SELECT id FROM specialties WHERE code = 'heelkunde'")
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    let within = plan_of_page_in(&app, "Amrani", 0, Some(surgery)).await;
    assert!(
        within.contains("register_entries_name_trgm_idx"),
        "{within}"
    );
    assert!(
        by_big.contains("personal_details_big_number_key"),
        "{by_big}"
    );
    for (what, plan) in [
        ("a rare name", &rare),
        ("one name", &one),
        ("a common name", &common),
        ("the last page of a common name", &common_last_page),
        ("a BIG-nummer", &by_big),
        ("words in another order", &turned),
        ("a name within a specialty", &within),
    ] {
        for table in ["users", "register_entries", "personal_details"] {
            assert!(
                !plan.contains(&format!("Seq Scan on {table}")),
                "{what} scans {table}:\n{plan}"
            );
        }
    }
}

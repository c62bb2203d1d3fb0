//! The abuse paths an outside probe found, each closed (docs/security.md): strangers' forms that
//! mail others, sign-ups without limits that tell which names exist, NUL bytes, password
//! guessing inside a stolen session, reset links that outlive their use, a lockout that tells
//! which accounts exist, a request id the client chooses; and the weak spots beside them.

use crate::helpers::database::database;
use reqwest::StatusCode;

use crate::account_requests::confirm_by_mail;
use crate::aios::{aios_ready, create_igt, institution, revision, set_today};
use crate::helpers::accounts::{
    PASSWORD, link_in_mail, log_in, register, register_and_log_in, seed_demo, submit_password,
    user_id,
};
use crate::helpers::db_proxy::DbProxy;
use crate::helpers::{TestApp, location};
use mijnrgs::platform::clock::Clock;

/// A client whose requests come from `address` (any 127.x.y.z is this machine).
fn client_from(address: [u8; 4]) -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .local_address(std::net::IpAddr::from(address))
        .build()
        .expect("client")
}

/// Text that would look like a message from the portal, with a link, if a mail showed it.
const LURE: &str = "Beveiligingsteam: uw account wordt geblokkeerd, ga naar http://kwaad.example";

fn ondersteuner_request<'a>(
    name: &'a str,
    email: &'a str,
    opleider: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("naam", name),
        ("email", email),
        ("telefoon", "024-361 11 11"),
        ("opleiders", opleider),
        (
            "motivatie",
            "Ik plan de opleidingsschema's van de aios van de opleider.",
        ),
        ("opleider_zoek", ""),
        ("actie", ""),
    ]
}

async fn mails_to(app: &TestApp, address: &str) -> Vec<mijnrgs::platform::mail::OutgoingEmail> {
    app.sent_emails()
        .await
        .into_iter()
        .filter(|m| m.to_address == address)
        .collect()
}

#[tokio::test]
async fn a_strangers_account_request_mails_nobody_but_the_address_given_and_never_what_they_typed()
{
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    seed_demo(&app).await;
    let opleider = user_id(&app, "demo.opleider").await.to_string();
    let sent = app
        .post_form(
            "/account-aanvragen/ondersteuner",
            &ondersteuner_request(LURE, "slachtoffer@example.nl", &opleider),
        )
        .await;
    assert_eq!(
        location(&sent),
        "/account-aanvragen/verstuurd?aanvraag=ondersteuner"
    );
    let mails = app.sent_emails().await;
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert_eq!(mails[0].to_address, "slachtoffer@example.nl");
    assert!(mails[0].body.starts_with("Beste heer/mevrouw,"));
    for mail in &mails {
        assert!(!mail.body.contains("kwaad.example"), "{}", mail.body);
        assert!(!mail.body.contains("Beveiligingsteam"), "{}", mail.body);
    }
    // Not confirmed: invisible to the opleider and the RGS.
    let clerk = app.new_client();
    crate::helpers::accounts::log_in_demo(&app, &clerk, "demo.rgs").await;
    let list = app.page_with(&clerk, "/rgs/accountaanvragen").await;
    assert!(list.contains("Accountaanvragen"), "the RGS work list");
    assert!(!list.contains("Beveiligingsteam"));

    confirm_by_mail(&app, "slachtoffer@example.nl").await;
    // The acknowledgement to the address is in the portal's words only.
    let to_victim = mails_to(&app, "slachtoffer@example.nl").await;
    assert_eq!(to_victim.len(), 2, "the link, then the acknowledgement");
    for mail in &to_victim {
        assert!(
            mail.body.starts_with("Beste heer/mevrouw,"),
            "{}",
            mail.body
        );
        assert!(!mail.body.contains("kwaad.example"), "{}", mail.body);
        assert!(!mail.body.contains("Beveiligingsteam"), "{}", mail.body);
    }
    let to_opleider = mails_to(&app, "demo.opleider@mijnrgs.example").await;
    assert_eq!(to_opleider.len(), 1);
    assert!(
        to_opleider[0]
            .body
            .starts_with("Beste dr. Jansen,\n\nEr is een account")
    );
    assert!(!to_opleider[0].body.contains("kwaad.example"));
    assert!(
        app.page_with(&clerk, "/rgs/accountaanvragen")
            .await
            .contains("Beveiligingsteam")
    );
}

#[tokio::test]
async fn the_ondersteuner_form_lists_no_opleiders_and_finds_them_by_name_or_institution() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    seed_demo(&app).await;
    let opleider = user_id(&app, "demo.opleider").await.to_string();
    let empty = app
        .get("/account-aanvragen/ondersteuner")
        .await
        .text()
        .await
        .unwrap();
    assert!(empty.contains("Zoek een opleider"));
    assert!(
        !empty.contains(&opleider),
        "no opleider's id before a search"
    );
    let search = |words: &'static str| {
        let app = &app;
        async move {
            let response = app
                .post_form(
                    "/account-aanvragen/ondersteuner",
                    &[
                        ("naam", ""),
                        ("email", ""),
                        ("telefoon", ""),
                        ("motivatie", ""),
                        ("opleider_zoek", words),
                        ("actie", "zoeken"),
                    ],
                )
                .await;
            (response.status(), response.text().await.unwrap())
        }
    };
    let (status, by_name) = search("jansen").await;
    assert_eq!(status, StatusCode::OK);
    assert!(by_name.contains("Dr. Pieter Jansen") && by_name.contains(&opleider));
    let (_, by_institution) = search("radboud").await;
    assert!(by_institution.contains("Dr. Pieter Jansen"));
    let (_, nobody) = search("zzzonbekend").await;
    assert!(nobody.contains("Geen opleiders gevonden"));
    assert!(!nobody.contains(&opleider));
    let (status, too_short) = search("ja").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(too_short.contains("ten minste 3 letters"));
    assert!(!too_short.contains(&opleider));
}

#[tokio::test]
async fn a_burst_of_account_requests_from_one_address_is_limited_and_one_mailbox_gets_three_mails_an_hour()
 {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    seed_demo(&app).await;
    let opleider = user_id(&app, "demo.opleider").await.to_string();
    for _ in 0..5 {
        let sent = app
            .post_form(
                "/account-aanvragen/ondersteuner",
                &ondersteuner_request("Els de Groot", "els@ziekenhuis.nl", &opleider),
            )
            .await;
        assert_eq!(
            location(&sent),
            "/account-aanvragen/verstuurd?aanvraag=ondersteuner",
            "the same answer"
        );
    }
    assert_eq!(mails_to(&app, "els@ziekenhuis.nl").await.len(), 3);
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM account_requests")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(stored, 3, "beyond the limit nothing is stored either");
    app.clock.advance(chrono::Duration::minutes(61));
    app.post_form(
        "/account-aanvragen/ondersteuner",
        &ondersteuner_request("Els de Groot", "els@ziekenhuis.nl", &opleider),
    )
    .await;
    assert_eq!(
        mails_to(&app, "els@ziekenhuis.nl").await.len(),
        4,
        "an hour later"
    );

    // From one address: 20 at once (searches included), then 429.
    let client = client_from([127, 0, 0, 9]);
    let mut statuses = Vec::new();
    for _ in 0..21 {
        let response = client
            .post(app.url("/account-aanvragen/contactpersoon"))
            .form(&[("naam", "x")])
            .send()
            .await
            .unwrap();
        statuses.push(response.status());
    }
    assert!(
        statuses[..20]
            .iter()
            .all(|s| *s == StatusCode::UNPROCESSABLE_ENTITY)
    );
    assert_eq!(statuses[20], StatusCode::TOO_MANY_REQUESTS);
    let other = client_from([127, 0, 0, 10]);
    let response = other
        .post(app.url("/account-aanvragen/contactpersoon"))
        .form(&[("naam", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "per address"
    );
}

fn sign_up<'a>(username: &'a str, email: &'a str) -> [(&'a str, &'a str); 6] {
    [
        ("rol", "aios"),
        ("naam", "Anna de Vries"),
        ("gebruikersnaam", username),
        ("email", email),
        ("wachtwoord", PASSWORD),
        ("wachtwoord_herhaling", PASSWORD),
    ]
}

#[tokio::test]
async fn a_burst_of_sign_ups_from_one_address_is_limited_and_no_answer_tells_a_name_is_taken() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    register(&app, "anna", "aios").await;
    let client = client_from([127, 0, 0, 11]);
    let taken = app
        .post_form_with(
            &client,
            "/account/aanmaken",
            &sign_up("anna", "ander@example.nl"),
        )
        .await;
    let free = app
        .post_form_with(
            &client,
            "/account/aanmaken",
            &sign_up("bram", "bram@example.nl"),
        )
        .await;
    assert_eq!(taken.status(), free.status());
    assert_eq!(location(&taken), location(&free));
    assert_eq!(location(&free), "/account/aangemaakt");
    let taken_mail = mails_to(&app, "ander@example.nl").await;
    assert!(taken_mail[0].body.contains("al in gebruik"));
    let free_mail = mails_to(&app, "bram@example.nl").await;
    assert!(free_mail[0].body.contains("/account/bevestigen/"));
    assert!(
        !free_mail[0].body.contains("Anna de Vries"),
        "no typed name in the mail"
    );

    // Eight more attempts (ten in all) are answered; the eleventh is refused.
    for _ in 0..8 {
        let response = app
            .post_form_with(&client, "/account/aanmaken", &[("naam", "x")])
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    let refused = app
        .post_form_with(&client, "/account/aanmaken", &[("naam", "x")])
        .await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.text().await.unwrap().contains("Te veel pogingen"));
    let elsewhere = app
        .post_form_with(
            &client_from([127, 0, 0, 12]),
            "/account/aanmaken",
            &[("naam", "x")],
        )
        .await;
    assert_eq!(elsewhere.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_nul_byte_in_any_text_or_query_is_refused_at_the_edge_with_a_dutch_page() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    seed_demo(&app).await;
    let refused = |response: reqwest::Response| async move {
        let status = response.status();
        let body = response.text().await.unwrap();
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(
            body.contains("Uw invoer bevat een ongeldig teken"),
            "{body}"
        );
        assert!(body.contains("lang=\"nl\""));
    };
    let clerk = app.new_client();
    crate::helpers::accounts::log_in_demo(&app, &clerk, "demo.rgs").await;
    let audited = || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM audit_log")
            .fetch_one(&app.state.db)
            .await
            .unwrap()
    };
    let before = audited().await;
    refused(app.get("/register?zoek=%00abc").await).await;
    refused(app.get("/uitnodiging/abc%00").await).await;
    refused(
        app.post_form(
            "/inloggen",
            &[("gebruikersnaam", "demo.aios\0"), ("wachtwoord", "x")],
        )
        .await,
    )
    .await;
    refused(
        app.post_form("/wachtwoord-vergeten", &[("account", "a\0b")])
            .await,
    )
    .await;
    let search = clerk
        .get(app.url("/rgs/gebruikers?zoek=de%00"))
        .send()
        .await
        .unwrap();
    refused(search).await;
    // A raw NUL in a form body, not percent-encoded.
    let raw = app
        .client
        .post(app.url("/inloggen"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(b"gebruikersnaam=a\0b&wachtwoord=x".to_vec())
        .send()
        .await
        .unwrap();
    refused(raw).await;
    assert_eq!(audited().await, before, "nothing refused reached a handler");
}

#[tokio::test]
async fn the_period_label_and_basisgegevens_refuse_a_nul_and_keep_what_was_stored() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    seed_demo(&app).await;
    set_today(&app);
    aios_ready(&app, "noor").await;
    let training = create_igt(&app).await;
    let place = institution(&app, "Radboudumc").await.to_string();
    let revision = revision(&app, training).await;
    let response = app
        .post_form(
            &format!("/aios/opleidingen/{training}/periodes/nieuw"),
            &[
                ("omschrijving", "Interne\0 geneeskunde"),
                ("instelling", place.as_str()),
                ("opleider", ""),
                ("begindatum", "01-01-2027"),
                ("einddatum", "31-12-2027"),
                ("deeltijd", "100"),
                ("revisie", revision.as_str()),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        crate::aios::revision(&app, training).await,
        revision,
        "nothing was saved"
    );
    let page = app.get("/aios/basisgegevens").await.text().await.unwrap();
    assert!(page.contains("Basisgegevens"));
    let response = app
        .post_form(
            "/aios/basisgegevens",
            &[("naam", "Noor\0"), ("revisie", "1")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_post_that_leaves_fields_out_is_refused_and_clears_nothing() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    seed_demo(&app).await;
    aios_ready(&app, "noor").await;
    let stored = || async {
        sqlx::query_as::<_, (Option<String>, Option<chrono::NaiveDate>, Option<String>)>(
            "SELECT p.big_number, p.date_of_birth, p.street FROM personal_details p
             JOIN users u ON u.id = p.user_id WHERE u.username = 'noor'",
        )
        .fetch_one(&app.state.db)
        .await
        .unwrap()
    };
    let before = stored().await;
    assert!(before.0.is_some() && before.1.is_some(), "{before:?}");
    let page = app.get("/aios/basisgegevens").await.text().await.unwrap();
    let revision = page
        .split(r#"name="revisie" value=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the form's revision")
        .to_owned();
    let response = app
        .post_form(
            "/aios/basisgegevens",
            &[("naam", "Noor Bakker"), ("revisie", revision.as_str())],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await.unwrap().contains("niet volledig"));
    assert_eq!(stored().await, before, "nothing was cleared");
}

#[tokio::test]
async fn asking_for_the_password_again_inside_the_account_counts_and_locks_like_the_login() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let user = register_and_log_in(&app, "anna", "aios").await;
    let codes_before: Vec<Vec<u8>> = sqlx::query_scalar("SELECT code_hash FROM recovery_codes")
        .fetch_all(&app.state.db)
        .await
        .unwrap();
    for attempt in 1..=10 {
        let response = app
            .post_form(
                "/account/herstelcodes",
                &[("wachtwoord", "niet het wachtwoord")],
            )
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = response.text().await.unwrap();
        if attempt < 10 {
            assert!(
                html.contains("Dit wachtwoord klopt niet"),
                "attempt {attempt}"
            );
        } else {
            assert!(
                html.contains("te vaak een verkeerd wachtwoord"),
                "attempt {attempt}"
            );
        }
    }
    // Locked: the right password is not even checked, here, on the other form, or at the login.
    let right = app
        .post_form("/account/herstelcodes", &[("wachtwoord", PASSWORD)])
        .await;
    assert!(right.text().await.unwrap().contains("te vaak"));
    let change = app
        .post_form(
            "/account/wachtwoord",
            &[
                ("huidig_wachtwoord", PASSWORD),
                ("nieuw_wachtwoord", "een heel ander lang wachtwoord"),
                ("herhaling", "een heel ander lang wachtwoord"),
            ],
        )
        .await;
    assert!(change.text().await.unwrap().contains("te vaak"));
    let login = submit_password(&app, &app.new_client(), "anna", PASSWORD).await;
    assert_eq!(login.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(login.text().await.unwrap().contains("te vaak"));
    let codes_after: Vec<Vec<u8>> = sqlx::query_scalar("SELECT code_hash FROM recovery_codes")
        .fetch_all(&app.state.db)
        .await
        .unwrap();
    assert_eq!(
        codes_before, codes_after,
        "no new recovery codes were minted"
    );

    // After the lock the right password works again, and clears the count.
    app.clock.advance(chrono::Duration::minutes(16));
    let client = app.new_client();
    assert_eq!(location(&log_in(&app, &client, &user).await), "/start");
    let fresh = app
        .post_form_with(
            &client,
            "/account/herstelcodes",
            &[("wachtwoord", PASSWORD)],
        )
        .await;
    assert_eq!(location(&fresh), "/inloggen/herstelcodes");
}

#[tokio::test]
async fn using_one_reset_link_or_changing_the_password_ends_every_other_reset_link() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    register(&app, "anna", "aios").await;
    let request = || async {
        app.post_form("/wachtwoord-vergeten", &[("account", "anna")])
            .await;
        link_in_mail(&app, "anna@example.nl", "/wachtwoord-herstellen/").await
    };
    let first = request().await;
    let second = request().await;
    assert_ne!(first, second);
    let new = [
        ("nieuw_wachtwoord", "zomer regen fietspad lantaarn"),
        ("herhaling", "zomer regen fietspad lantaarn"),
    ];
    let used = app.post_form(&second, &new).await;
    assert_eq!(location(&used), "/inloggen");
    assert_eq!(app.get(&first).await.status(), StatusCode::NOT_FOUND);
    let late = app.post_form(&first, &new).await;
    assert_eq!(
        late.status(),
        StatusCode::NOT_FOUND,
        "the older link is dead"
    );

    // A link asked for, then the password changed inside the account: the link is dead.
    app.clock.advance(chrono::Duration::minutes(61));
    let third = request().await;
    assert_eq!(app.get(&third).await.status(), StatusCode::OK);
    let client = app.new_client();
    let step = submit_password(&app, &client, "anna", "zomer regen fietspad lantaarn").await;
    assert_eq!(location(&step), "/inloggen/authenticator");
    let html = app.page_with(&client, "/inloggen/authenticator").await;
    let secret = crate::helpers::accounts::secret_from_page(&html);
    let code = mijnrgs::platform::auth::totp::code_at(&secret, app.clock.now());
    app.post_form_with(&client, "/inloggen/authenticator", &[("code", &code)])
        .await;
    let changed = app
        .post_form_with(
            &client,
            "/account/wachtwoord",
            &[
                ("huidig_wachtwoord", "zomer regen fietspad lantaarn"),
                ("nieuw_wachtwoord", PASSWORD),
                ("herhaling", PASSWORD),
            ],
        )
        .await;
    assert_eq!(location(&changed), "/account");
    assert_eq!(app.get(&third).await.status(), StatusCode::NOT_FOUND);
}

/// The text of the password step's refusal after `attempts` wrong passwords for `username`,
/// with the time of day left out.
async fn refusal_after(
    app: &TestApp,
    client: &reqwest::Client,
    username: &str,
    attempts: usize,
) -> Vec<String> {
    let mut answers = Vec::new();
    for _ in 0..attempts {
        let response = submit_password(app, client, username, "fout wachtwoord").await;
        let html = response.text().await.unwrap();
        let message = html
            .split(r#"class="field__error""#)
            .nth(1)
            .and_then(|rest| rest.split("</p>").next())
            .unwrap_or("")
            .chars()
            .filter(|c| !c.is_ascii_digit())
            .collect::<String>();
        answers.push(message);
    }
    answers
}

#[tokio::test]
async fn the_lockout_answers_an_unknown_username_exactly_as_a_real_one() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    register(&app, "anna", "aios").await;
    // Each from an address of its own, so that the per-address limit stays out of it.
    let real = refusal_after(&app, &client_from([127, 0, 0, 21]), "anna", 11).await;
    let unknown = refusal_after(&app, &client_from([127, 0, 0, 22]), "niemand.bekend", 11).await;
    assert!(real[0].contains("klopt niet"), "{real:?}");
    assert!(real[9].contains("te vaak"), "{real:?}");
    assert_eq!(real, unknown, "the same answers, attempt by attempt");
    // Both locks pass alike.
    app.clock.advance(chrono::Duration::minutes(16));
    let real = refusal_after(&app, &client_from([127, 0, 0, 23]), "anna", 1).await;
    let unknown = refusal_after(&app, &client_from([127, 0, 0, 24]), "niemand.bekend", 1).await;
    assert!(real[0].contains("klopt niet"), "{real:?}");
    assert_eq!(real, unknown);
}

#[tokio::test]
async fn the_portal_makes_its_own_request_id_and_never_stores_the_clients() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let response = app
        .client
        .post(app.url("/inloggen"))
        .header("x-request-id", "verzonnen-1234")
        .form(&[("gebruikersnaam", "iemand"), ("wachtwoord", "iets")])
        .send()
        .await
        .unwrap();
    let ours = response
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    assert!(uuid::Uuid::parse_str(&ours).is_ok(), "{ours}");
    let stored: Vec<Option<String>> = sqlx::query_scalar("SELECT request_id FROM audit_log")
        .fetch_all(&app.state.db)
        .await
        .unwrap();
    assert_eq!(stored, [Some(ours)]);
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_forwarded_client_has_its_own_limit_and_is_audited() {
    let (_database, pool) = database().await;
    let attempt = |app: &TestApp, forwarded: &'static str| {
        let request = app
            .client
            .post(app.url("/account/aanmaken"))
            .header("x-forwarded-for", forwarded)
            .form(&[("naam", "x")]);
        async move { request.send().await.unwrap().status() }
    };
    // Without trusted proxies the header is ignored: one budget for the peer.
    let direct = TestApp::spawn(pool.clone()).await;
    for i in 0..10 {
        let forwarded = ["198.51.100.1", "198.51.100.2"][i % 2];
        assert_eq!(
            attempt(&direct, forwarded).await,
            StatusCode::UNPROCESSABLE_ENTITY
        );
    }
    assert_eq!(
        attempt(&direct, "198.51.100.3").await,
        StatusCode::TOO_MANY_REQUESTS
    );

    // Behind a trusted proxy, the address it forwards is the client.
    let proxied = TestApp::spawn_with(
        pool,
        mijnrgs::router::router(),
        &[("TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8")],
    )
    .await;
    for _ in 0..10 {
        assert_eq!(
            attempt(&proxied, "203.0.113.7, 10.1.2.3").await,
            StatusCode::UNPROCESSABLE_ENTITY
        );
    }
    assert_eq!(
        attempt(&proxied, "203.0.113.7").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        attempt(&proxied, "203.0.113.8").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "another client behind the same proxy"
    );
    proxied
        .client
        .post(proxied.url("/inloggen"))
        .header("x-forwarded-for", "192.0.2.99, 203.0.113.9")
        .form(&[("gebruikersnaam", "iemand"), ("wachtwoord", "iets")])
        .send()
        .await
        .unwrap();
    let ip: String = sqlx::query_scalar(
        "SELECT host(ip) FROM audit_log WHERE action = 'auth.login' ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(&proxied.state.db)
    .await
    .unwrap();
    assert_eq!(
        ip, "203.0.113.9",
        "the nearest untrusted hop, not what the client claims"
    );
}

#[tokio::test]
async fn when_the_database_is_unreachable_a_form_answers_503_and_offers_to_send_what_was_typed() {
    let (_database, pool) = database().await;
    let (proxy, app) = DbProxy::demo_app(&pool).await;
    set_today(&app);
    aios_ready(&app, "noor").await;
    let training = create_igt(&app).await;
    let place = institution(&app, "Radboudumc").await.to_string();
    let revision = revision(&app, training).await;
    let path = format!("/aios/opleidingen/{training}/periodes/nieuw");
    let fields = [
        ("omschrijving", "Interne geneeskunde"),
        ("instelling", place.as_str()),
        ("opleider", ""),
        ("begindatum", "01-01-2027"),
        ("einddatum", "31-12-2027"),
        ("deeltijd", "100"),
        ("revisie", revision.as_str()),
    ];
    proxy.down();
    let response = app.post_form(&path, &fields).await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    let page = response.text().await.unwrap();
    assert!(page.contains("tijdelijk niet beschikbaar"), "{page}");
    assert!(!page.contains("door een fout in MijnRGS"));
    let document = scraper::Html::parse_document(&page);
    let form = document
        .select(&scraper::Selector::parse("form.error-page__repost").unwrap())
        .next()
        .expect("the form to send again");
    assert_eq!(form.value().attr("action"), Some(path.as_str()));
    let kept: Vec<(String, String)> = form
        .select(&scraper::Selector::parse("input[type=hidden]").unwrap())
        .map(|input| {
            (
                input.value().attr("name").unwrap_or("").to_owned(),
                input.value().attr("value").unwrap_or("").to_owned(),
            )
        })
        .collect();
    let typed: Vec<(String, String)> = fields
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    assert_eq!(kept, typed, "everything typed is on the page");

    tokio::time::sleep(mijnrgs::platform::db::CHECK_AFTER_IDLE).await;
    proxy.up();
    let again: Vec<(&str, &str)> = kept.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let saved = app.post_form(&path, &again).await;
    assert_eq!(
        saved.status(),
        StatusCode::SEE_OTHER,
        "sent again, it is saved"
    );
}

#[tokio::test]
async fn a_password_step_while_the_database_is_unreachable_keeps_no_password_on_the_page() {
    let (_database, pool) = database().await;
    let (proxy, app) = DbProxy::demo_app(&pool).await;
    proxy.down();
    let response = submit_password(&app, &app.client, "demo.aios", "geheim wachtwoord").await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    let page = response.text().await.unwrap();
    assert!(page.contains("tijdelijk niet beschikbaar"));
    assert!(page.contains(r#"value="demo.aios""#));
    assert!(!page.contains("geheim wachtwoord"));
    proxy.up();
}

#[tokio::test]
async fn the_register_says_what_is_wrong_with_a_page_number() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    for (page, says) in [("0", "vanaf 1"), ("abc", "geen getal"), ("51", "hoogstens")] {
        let response = app
            .get(&format!("/register?zoek=jansen&pagina={page}"))
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = response.text().await.unwrap();
        assert!(html.contains(says), "pagina={page}: {html}");
    }
}

#[tokio::test]
async fn a_recovery_code_is_accepted_as_shown_with_spaces_in_capitals_or_without_the_dash() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let user = register_and_log_in(&app, "anna", "aios").await;
    let variants = [
        format!("  {}  ", user.recovery_codes[0]),
        user.recovery_codes[1].replace('-', ""),
        user.recovery_codes[2].to_uppercase().replace('-', " "),
    ];
    for code in variants {
        app.clock.advance(chrono::Duration::seconds(30));
        let client = app.new_client();
        let step = submit_password(&app, &client, "anna", PASSWORD).await;
        assert_eq!(location(&step), "/inloggen/code");
        let done = app
            .post_form_with(
                &client,
                "/inloggen/herstelcode",
                &[("herstelcode", code.as_str())],
            )
            .await;
        assert_eq!(location(&done), "/start", "{code:?}");
    }
}

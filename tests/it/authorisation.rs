//! The authorisation matrix, part one: every route of the portal, read from the router's
//! source so a new route cannot escape, with who may reach it written down in one table.
//! Anonymous visitors reach only the public routes, and every state-changing route refuses a
//! cross-site request. Part two: a user who holds a route's role reaches it with their own
//! object and gets 404 for someone else's, by GET and POST, with every cell written down in
//! one more table.

use crate::helpers::database::database;
use std::collections::HashMap;

use reqwest::StatusCode;

use crate::helpers::TestApp;

/// Who may reach a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Access {
    /// Anyone, without logging in.
    Public,
    /// Anyone who holds the secret in the path (a mail link, a payment or checkout id) or,
    /// for the login steps, is halfway through logging in; without it, nothing is shown.
    Link,
    /// Any logged-in user, for their own account, invoices and payments.
    LoggedIn,
    /// Only users with one of these roles (`aios`, `specialist`, `opleider`, `ondersteuner`,
    /// `contactpersoon`, `rgs`), and only for their own objects.
    Roles(&'static [&'static str]),
}

use Access::{Link, LoggedIn, Public, Roles};

const AIOS: Access = Roles(&["aios"]);
const REGISTRANT: Access = Roles(&["aios", "specialist"]);
const SUPERVISION: Access = Roles(&["opleider", "ondersteuner"]);
const OPLEIDER: Access = Roles(&["opleider"]);
const CONTACT: Access = Roles(&["contactpersoon"]);
const RGS: Access = Roles(&["rgs"]);

/// The routes of what only the opleider decides, not an ondersteuner acting for them.
const OPLEIDER_DECIDES: &[&str] = &[
    "/opleider/aios/{id}/eindverklaring",
    "/opleider/aios/{id}/verkortingen/{sid}",
    "/opleider/aios/{id}/verkortingen/{sid}/goedkeuren",
    "/opleider/aios/{id}/verkortingen/{sid}/afwijzen",
];

/// Every route with its method and who may reach it.
const ROUTES: &[(&str, &str, Access)] = &[
    ("GET", "/", Public),
    ("GET", "/contact", Public),
    ("GET", "/toegankelijkheid", Public),
    ("GET", "/register", Public),
    ("GET", "/healthz", Public),
    ("GET", "/readyz", Public),
    ("GET", "/inloggen", Public),
    ("POST", "/inloggen", Public),
    ("GET", "/inloggen/code", Link),
    ("POST", "/inloggen/code", Link),
    ("GET", "/inloggen/herstelcode", Link),
    ("POST", "/inloggen/herstelcode", Link),
    ("GET", "/inloggen/authenticator", Link),
    ("POST", "/inloggen/authenticator", Link),
    ("GET", "/inloggen/herstelcodes", Link),
    ("POST", "/uitloggen", Public),
    ("GET", "/uitgelogd", Public),
    ("POST", "/sessie/verlengen", LoggedIn),
    ("GET", "/account/aanmaken", Public),
    ("POST", "/account/aanmaken", Public),
    ("GET", "/account/aangemaakt", Public),
    ("GET", "/account/bevestigen/{token}", Link),
    ("POST", "/account/bevestigen/{token}", Link),
    ("GET", "/uitnodiging/{token}", Link),
    ("POST", "/uitnodiging/{token}", Link),
    ("GET", "/wachtwoord-vergeten", Public),
    ("POST", "/wachtwoord-vergeten", Public),
    ("GET", "/wachtwoord-herstellen/{token}", Link),
    ("POST", "/wachtwoord-herstellen/{token}", Link),
    ("GET", "/account-aanvragen", Public),
    ("GET", "/account-aanvragen/ondersteuner", Public),
    ("POST", "/account-aanvragen/ondersteuner", Public),
    ("GET", "/account-aanvragen/contactpersoon", Public),
    ("POST", "/account-aanvragen/contactpersoon", Public),
    ("GET", "/account-aanvragen/verstuurd", Public),
    ("GET", "/account-aanvragen/bevestigen/{token}", Link),
    ("POST", "/account-aanvragen/bevestigen/{token}", Link),
    ("GET", "/account-aanvragen/bevestigd", Public),
    ("GET", "/start", LoggedIn),
    ("GET", "/vastgelegd", LoggedIn),
    ("GET", "/account", LoggedIn),
    ("GET", "/account/wachtwoord", LoggedIn),
    ("POST", "/account/wachtwoord", LoggedIn),
    ("GET", "/account/herstelcodes", LoggedIn),
    ("POST", "/account/herstelcodes", LoggedIn),
    ("GET", "/facturen", LoggedIn),
    ("GET", "/facturen/{id}", LoggedIn),
    ("GET", "/facturen/{id}/pdf", LoggedIn),
    ("POST", "/facturen/{id}/betalen", LoggedIn),
    ("GET", "/betalingen/{id}", LoggedIn),
    ("GET", "/betalingen/{id}/terug", LoggedIn),
    // The provider's webhook carries only a payment id; the portal asks the provider for the
    // status, so posting it reveals and changes nothing by itself (docs/security.md §9).
    ("POST", "/webhooks/mollie", Public),
    ("GET", "/testbetaalomgeving/{id}", Link),
    ("POST", "/testbetaalomgeving/{id}/bank", Link),
    ("POST", "/testbetaalomgeving/{id}/afronden", Link),
    ("GET", "/aios/basisgegevens", AIOS),
    ("POST", "/aios/basisgegevens", AIOS),
    ("GET", "/aios/opleidingen", AIOS),
    ("GET", "/aios/opleidingen/nieuw", AIOS),
    ("POST", "/aios/opleidingen/nieuw", AIOS),
    ("GET", "/aios/opleidingen/{id}", AIOS),
    ("GET", "/aios/opleidingen/{id}/versies", AIOS),
    ("GET", "/aios/opleidingen/{id}/indienen", AIOS),
    ("POST", "/aios/opleidingen/{id}/indienen", AIOS),
    ("POST", "/aios/opleidingen/{id}/wijzigen", AIOS),
    ("POST", "/aios/opleidingen/{id}/intrekken", AIOS),
    ("GET", "/aios/opleidingen/{id}/periodes/nieuw", AIOS),
    ("POST", "/aios/opleidingen/{id}/periodes/nieuw", AIOS),
    ("GET", "/aios/opleidingen/{id}/periodes/{item}", AIOS),
    ("POST", "/aios/opleidingen/{id}/periodes/{item}", AIOS),
    (
        "POST",
        "/aios/opleidingen/{id}/periodes/{item}/verwijderen",
        AIOS,
    ),
    ("GET", "/aios/opleidingen/{id}/onderbrekingen/nieuw", AIOS),
    ("POST", "/aios/opleidingen/{id}/onderbrekingen/nieuw", AIOS),
    ("GET", "/aios/opleidingen/{id}/onderbrekingen/{item}", AIOS),
    ("POST", "/aios/opleidingen/{id}/onderbrekingen/{item}", AIOS),
    (
        "POST",
        "/aios/opleidingen/{id}/onderbrekingen/{item}/verwijderen",
        AIOS,
    ),
    ("GET", "/aios/opleidingen/{id}/verkorting", AIOS),
    ("POST", "/aios/opleidingen/{id}/verkorting", AIOS),
    (
        "POST",
        "/aios/opleidingen/{id}/verkortingen/{sid}/intrekken",
        AIOS,
    ),
    ("GET", "/registratie", REGISTRANT),
    (
        "POST",
        "/registratie/opleidingen/{id}/aanvragen",
        REGISTRANT,
    ),
    ("GET", "/registratie/inschrijvingen/{id}/bewijs", REGISTRANT),
    (
        "GET",
        "/registratie/inschrijvingen/{id}/herregistratie",
        REGISTRANT,
    ),
    (
        "POST",
        "/registratie/inschrijvingen/{id}/herregistratie",
        REGISTRANT,
    ),
    ("GET", "/registratie/aanvragen/{id}/besluit", REGISTRANT),
    ("GET", "/opleider/aios", SUPERVISION),
    ("GET", "/opleider/aios.csv", SUPERVISION),
    ("GET", "/opleider/aios/{id}", SUPERVISION),
    ("POST", "/opleider/aios/{id}/goedkeuren", SUPERVISION),
    ("POST", "/opleider/aios/{id}/afkeuren", SUPERVISION),
    ("POST", "/opleider/aios/{id}/eindverklaring", OPLEIDER),
    ("GET", "/opleider/aios/{id}/verkorting", SUPERVISION),
    ("POST", "/opleider/aios/{id}/verkorting", SUPERVISION),
    ("GET", "/opleider/aios/{id}/verkortingen/{sid}", SUPERVISION),
    (
        "POST",
        "/opleider/aios/{id}/verkortingen/{sid}/goedkeuren",
        SUPERVISION,
    ),
    (
        "POST",
        "/opleider/aios/{id}/verkortingen/{sid}/afwijzen",
        SUPERVISION,
    ),
    ("GET", "/opleider/ondersteuners", OPLEIDER),
    ("POST", "/opleider/ondersteuners/{id}/bevestigen", OPLEIDER),
    ("POST", "/opleider/ondersteuners/{id}/afwijzen", OPLEIDER),
    (
        "POST",
        "/opleider/ondersteuners/delegaties/{id}/beeindigen",
        OPLEIDER,
    ),
    ("GET", "/contactpersoon", CONTACT),
    ("GET", "/contactpersoon/instellingen/{id}/rapport", CONTACT),
    (
        "GET",
        "/contactpersoon/instellingen/{id}/rapport.csv",
        CONTACT,
    ),
    (
        "GET",
        "/contactpersoon/instellingen/{id}/rapport.xlsx",
        CONTACT,
    ),
    (
        "GET",
        "/contactpersoon/instellingen/{id}/rapport.pdf",
        CONTACT,
    ),
    ("GET", "/rgs/werkvoorraad", RGS),
    ("POST", "/rgs/mails/{id}/opnieuw", RGS),
    ("GET", "/rgs/accountaanvragen", RGS),
    ("GET", "/rgs/accountaanvragen/{id}", RGS),
    ("POST", "/rgs/accountaanvragen/{id}/goedkeuren", RGS),
    ("POST", "/rgs/accountaanvragen/{id}/afwijzen", RGS),
    ("GET", "/rgs/auditlog", RGS),
    ("GET", "/rgs/gebruikers", RGS),
    ("GET", "/rgs/gebruikers/{id}", RGS),
    ("POST", "/rgs/gebruikers/{id}/tweede-factor", RGS),
    ("POST", "/rgs/gebruikers/{id}/rollen", RGS),
    (
        "POST",
        "/rgs/gebruikers/{id}/rollen/{assignment}/intrekken",
        RGS,
    ),
    ("POST", "/rgs/gebruikers/{id}/blokkeren", RGS),
    ("POST", "/rgs/gebruikers/{id}/deblokkeren", RGS),
    ("GET", "/rgs/facturen/{id}", RGS),
    ("POST", "/rgs/facturen/{id}/crediteren", RGS),
    ("GET", "/rgs/opleidingen/{id}", RGS),
    ("POST", "/rgs/opleidingen/{id}/afsluiten", RGS),
    ("POST", "/rgs/opleidingen/{id}/verlenging", RGS),
    ("POST", "/rgs/opleidingen/{id}/onderbreking", RGS),
    ("GET", "/rgs/herregistraties/{id}", RGS),
    ("POST", "/rgs/herregistraties/{id}/besluit", RGS),
    ("GET", "/rgs/referentiegegevens", RGS),
    ("GET", "/rgs/referentiegegevens/instellingen", RGS),
    ("POST", "/rgs/referentiegegevens/instellingen", RGS),
    ("GET", "/rgs/referentiegegevens/instellingen/{id}", RGS),
    ("POST", "/rgs/referentiegegevens/instellingen/{id}", RGS),
    ("GET", "/rgs/referentiegegevens/instituten", RGS),
    ("POST", "/rgs/referentiegegevens/instituten", RGS),
    ("GET", "/rgs/referentiegegevens/instituten/{id}", RGS),
    ("POST", "/rgs/referentiegegevens/instituten/{id}", RGS),
    ("GET", "/rgs/referentiegegevens/onderbrekingen", RGS),
    ("POST", "/rgs/referentiegegevens/onderbrekingen", RGS),
    ("GET", "/rgs/referentiegegevens/onderbrekingen/{code}", RGS),
    ("POST", "/rgs/referentiegegevens/onderbrekingen/{code}", RGS),
    ("GET", "/rgs/referentiegegevens/tarieven", RGS),
    ("POST", "/rgs/referentiegegevens/tarieven", RGS),
    ("GET", "/rgs/referentiegegevens/tarieven/{id}", RGS),
    ("POST", "/rgs/referentiegegevens/tarieven/{id}", RGS),
    ("GET", "/rgs/referentiegegevens/specialismen", RGS),
    ("POST", "/rgs/referentiegegevens/specialismen", RGS),
    ("GET", "/rgs/referentiegegevens/specialismen/{id}", RGS),
    ("POST", "/rgs/referentiegegevens/specialismen/{id}", RGS),
    (
        "POST",
        "/rgs/referentiegegevens/specialismen/{id}/onderdelen/{position}",
        RGS,
    ),
    (
        "POST",
        "/rgs/referentiegegevens/specialismen/{id}/erkenningen",
        RGS,
    ),
    (
        "POST",
        "/rgs/referentiegegevens/specialismen/{id}/erkenningen/{institution}/intrekken",
        RGS,
    ),
    (
        "POST",
        "/rgs/referentiegegevens/specialismen/{id}/instituten",
        RGS,
    ),
    (
        "POST",
        "/rgs/referentiegegevens/specialismen/{id}/instituten/{institute}/ontkoppelen",
        RGS,
    ),
];

/// Every (method, path) the router declares, read from the whole of `src`: each `.route(`
/// call's path and the methods (`get(`, `post(`) of its method router. A path that is not
/// written out, or a method the table does not know, fails the test.
fn declared_routes() -> Vec<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = Vec::new();
    let mut pending = vec![dir];
    while let Some(path) = pending.pop() {
        if path.is_dir() {
            for entry in std::fs::read_dir(&path).unwrap() {
                pending.push(entry.unwrap().path());
            }
            continue;
        }
        // `bench.rs` is compiled only into the benchmark's build (`--features bench`).
        if path.extension().is_none_or(|e| e != "rs") || path.ends_with("src/bench.rs") {
            continue;
        }
        let source = std::fs::read_to_string(&path).unwrap();
        for (start, _) in source.match_indices(".route(") {
            // The arguments of this call, up to its closing parenthesis.
            let rest = &source[start + ".route(".len()..];
            let mut depth = 1;
            let mut end = rest.len();
            for (i, c) in rest.char_indices() {
                match c {
                    '(' => depth += 1,
                    ')' => {
                        depth -= 1;
                        if depth == 0 {
                            end = i;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            let call = &rest[..end];
            // A route's path is written out where it is registered, so none escapes the table.
            let literal = call.trim_start().starts_with('"');
            assert!(
                literal,
                "{}: a route whose path is not a string literal: .route({call})",
                path.display()
            );
            let open = call.find('"').unwrap();
            let Some(close) = call[open + 1..].find('"') else {
                panic!("{}: an unfinished path in .route({call})", path.display());
            };
            let route = call[open + 1..open + 1 + close].to_owned();
            let methods = &call[open + 1 + close..];
            let words: Vec<&str> = methods
                .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
                .collect();
            for (method, word) in [("GET", "get"), ("POST", "post")] {
                let used = methods.match_indices(&format!("{word}(")).any(|(i, _)| {
                    i == 0
                        || !methods[..i]
                            .chars()
                            .last()
                            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
                });
                if used {
                    found.push((method.to_owned(), route.clone()));
                }
            }
            assert!(
                !words.iter().any(|w| {
                    [
                        "put", "delete", "patch", "any", "on", "head", "options", "trace",
                    ]
                    .contains(w)
                }),
                "{route}: a method this table does not know"
            );
        }
    }
    found.sort();
    found.dedup();
    found
}

/// `template` with every placeholder filled with a value that names nothing.
fn with_unknown_ids(template: &str) -> String {
    let nobody = uuid::Uuid::now_v7().to_string();
    let mut out = String::new();
    let mut inside = false;
    let mut name = String::new();
    for c in template.chars() {
        match c {
            '{' => {
                inside = true;
                name.clear();
            }
            '}' => {
                inside = false;
                out.push_str(match name.as_str() {
                    "code" => "bestaat-niet",
                    "position" => "0",
                    "token" => "ongeldig-kenmerk",
                    _ => &nobody,
                });
            }
            _ if inside => name.push(c),
            _ => out.push(c),
        }
    }
    out
}

#[test]
fn every_route_of_the_router_has_exactly_one_row_in_the_table() {
    let declared = declared_routes();
    assert!(declared.len() > 100, "{declared:?}");
    let table: Vec<(String, String)> = ROUTES
        .iter()
        .map(|(m, p, _)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    let missing: Vec<String> = declared
        .iter()
        .filter(|route| !table.contains(route))
        .map(|(m, p)| format!("{m} {p}"))
        .collect();
    assert!(
        missing.is_empty(),
        "no row in ROUTES:\n{}",
        missing.join("\n")
    );
    for (i, row) in table.iter().enumerate() {
        assert!(
            declared.contains(row),
            "{} {} is in ROUTES but not in the router",
            row.0,
            row.1
        );
        assert!(
            !table[..i].contains(row),
            "{} {} has two rows",
            row.0,
            row.1
        );
    }
}

#[tokio::test]
async fn an_anonymous_visitor_reaches_only_the_public_routes() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let mut unexpected = Vec::new();
    for (method, template, access) in ROUTES {
        let path = with_unknown_ids(template);
        let client = app.new_client();
        let response = if *method == "GET" {
            client.get(app.url(&path)).send().await.unwrap()
        } else {
            app.post_form_with(&client, &path, &[("veld", "waarde")])
                .await
        };
        let status = response.status();
        assert!(
            !status.is_server_error(),
            "{method} {template}: {status} for an anonymous visitor"
        );
        match access {
            Public => {
                if *method == "GET" && !status.is_success() {
                    unexpected.push(format!("{method} {template}: {status}, expected 200"));
                }
            }
            Link => {
                if status.is_success() && *method == "POST" {
                    unexpected.push(format!("{method} {template}: {status} without a link"));
                }
            }
            LoggedIn | Roles(_) => {
                let to_login = status == StatusCode::SEE_OTHER
                    && response
                        .headers()
                        .get("location")
                        .and_then(|l| l.to_str().ok())
                        .is_some_and(|l| l.starts_with("/inloggen"));
                if !(to_login || status == StatusCode::NOT_FOUND) {
                    unexpected.push(format!(
                        "{method} {template}: {status}, expected the login page or 404"
                    ));
                }
            }
        }
    }
    assert!(unexpected.is_empty(), "{}", unexpected.join("\n"));
}

#[tokio::test]
async fn every_state_changing_route_refuses_a_cross_site_request() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    crate::helpers::accounts::seed_demo(&app).await;
    crate::helpers::accounts::log_in_demo(&app, &app.client, "demo.rgs").await;
    let audited = || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM audit_log")
            .fetch_one(&app.state.db)
            .await
            .unwrap()
    };
    let before = audited().await;
    for (method, template, _) in ROUTES.iter().filter(|(m, _, _)| *m == "POST") {
        let response = app
            .client
            .post(app.url(&with_unknown_ids(template)))
            .header("origin", "https://aanvaller.example")
            .header("sec-fetch-site", "cross-site")
            .form(&[("veld", "waarde")])
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::FORBIDDEN,
            "{method} {template} accepted a cross-site request"
        );
    }
    assert_eq!(
        audited().await,
        before,
        "nothing was done, not even a refusal audited"
    );
}

/// The demo users and their roles.
const DEMO_USERS: &[(&str, &[&str])] = &[
    ("demo.aios", &["aios"]),
    ("demo.specialist", &["specialist"]),
    ("demo.opleider", &["opleider", "specialist"]),
    ("demo.ondersteuner", &["ondersteuner"]),
    ("demo.contactpersoon", &["contactpersoon"]),
    ("demo.rgs", &["rgs"]),
];

async fn one_id(app: &TestApp, sql: &str) -> String {
    sqlx::query_scalar::<_, uuid::Uuid>(sql)
        .fetch_one(&app.state.db)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .to_string()
}

#[tokio::test]
async fn a_logged_in_user_reaches_no_route_of_a_role_they_do_not_have() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    crate::helpers::accounts::seed_demo(&app).await;
    // Real objects, so that a missing role check would show the page.
    let training = one_id(
        &app,
        "SELECT t.id FROM trainings t JOIN users u ON u.id = t.trainee_id
         JOIN specialties s ON s.id = t.specialty_id
         WHERE u.username = 'demo.aios' AND s.code = 'kindergeneeskunde'",
    )
    .await;
    let period = one_id(
        &app,
        "SELECT p.id FROM schedule_periods p JOIN schedule_versions v ON v.id = p.version_id
         WHERE v.status = 'concept' LIMIT 1",
    )
    .await;
    let shortening = one_id(&app, "SELECT id FROM shortenings LIMIT 1").await;
    let invoice = one_id(&app, "SELECT id FROM invoices LIMIT 1").await;
    let radboud = one_id(
        &app,
        "SELECT id FROM institutions WHERE name = 'Radboudumc'",
    )
    .await;
    let delegation = one_id(
        &app,
        "SELECT id FROM role_assignments WHERE role = 'ondersteuner'",
    )
    .await;
    let anna = one_id(&app, "SELECT id FROM users WHERE username = 'demo.aios'").await;
    let fee = one_id(&app, "SELECT id FROM fees LIMIT 1").await;
    let institute = one_id(&app, "SELECT id FROM institutes LIMIT 1").await;
    let specialty = one_id(&app, "SELECT id FROM specialties WHERE code = 'igt'").await;
    let (entry, application) = crate::registers::demo_specialist_request(&app).await;
    let path = |template: &str| -> String {
        let id = if template.starts_with("/registratie/inschrijvingen/") {
            entry.to_string()
        } else if template.starts_with("/registratie/aanvragen/")
            || template.starts_with("/rgs/herregistraties/")
        {
            application.to_string()
        } else if template.contains("/opleidingen/") || template.starts_with("/opleider/aios/") {
            training.clone()
        } else if template.starts_with("/opleider/ondersteuners/delegaties/") {
            delegation.clone()
        } else if template.contains("/facturen/") {
            invoice.clone()
        } else if template.contains("/instellingen/") {
            radboud.clone()
        } else if template.contains("/instituten/") {
            institute.clone()
        } else if template.contains("/tarieven/") {
            fee.clone()
        } else if template.contains("/specialismen/") {
            specialty.clone()
        } else if template.starts_with("/rgs/gebruikers/") {
            anna.clone()
        } else {
            uuid::Uuid::now_v7().to_string()
        };
        template
            .replace("{id}", &id)
            .replace("{item}", &period)
            .replace("{sid}", &shortening)
            .replace("{code}", "ziekte")
            .replace("{position}", "0")
            .replace("{institution}", &radboud)
            .replace("{institute}", &institute)
            .replace("{assignment}", &delegation)
    };
    let audited = || async {
        sqlx::query_scalar::<_, i64>(
            "SELECT count(*) FROM audit_log WHERE action NOT LIKE 'auth.%'
               AND action NOT LIKE 'login.%' AND action NOT LIKE 'session.%'",
        )
        .fetch_one(&app.state.db)
        .await
        .unwrap()
    };
    let before = audited().await;
    let mut unexpected = Vec::new();
    let mut tried = 0;
    for (username, roles) in DEMO_USERS {
        let client = app.new_client();
        crate::helpers::accounts::log_in_demo(&app, &client, username).await;
        for (method, template, access) in ROUTES {
            let Roles(allowed) = access else { continue };
            if allowed.iter().any(|r| roles.contains(r)) {
                continue;
            }
            let url = path(template);
            let response = if *method == "GET" {
                client.get(app.url(&url)).send().await.unwrap()
            } else {
                app.post_form_with(&client, &url, &[("reden", "Een poging van buiten")])
                    .await
            };
            tried += 1;
            // What only the opleider decides is, for an ondersteuner working for that opleider,
            // a page that says so (403): she sees this aios anyway, so nothing leaks.
            let told = *username == "demo.ondersteuner" && OPLEIDER_DECIDES.contains(template);
            let expected = if told {
                StatusCode::FORBIDDEN
            } else {
                StatusCode::NOT_FOUND
            };
            if response.status() != expected {
                unexpected.push(format!("{username}: {method} {url}: {}", response.status()));
            }
        }
    }
    assert!(tried > 400, "{tried} cells tried");
    assert!(unexpected.is_empty(), "{}", unexpected.join("\n"));
    assert_eq!(audited().await, before, "nothing was changed");
}

/// The route of the table that serves `method` on `path` (a path with real ids, perhaps with a
/// query): the row whose fixed segments match, the most specific one first.
pub(crate) fn route_of(method: &str, path: &str) -> Option<&'static str> {
    let path = path.split('?').next().unwrap_or(path);
    let segments: Vec<&str> = path.split('/').collect();
    ROUTES
        .iter()
        .filter(|(m, template, _)| {
            let fixed: Vec<&str> = template.split('/').collect();
            m.eq_ignore_ascii_case(method)
                && fixed.len() == segments.len()
                && fixed
                    .iter()
                    .zip(&segments)
                    .all(|(f, s)| f.starts_with('{') || f == s)
        })
        .max_by_key(|(_, template, _)| template.split('/').filter(|f| !f.starts_with('{')).count())
        .map(|(_, template, _)| *template)
}

/// Every state-changing route of the table.
pub(crate) fn post_routes() -> impl Iterator<Item = &'static str> {
    ROUTES
        .iter()
        .filter(|(method, _, _)| *method == "POST")
        .map(|(_, template, _)| *template)
}

// ---------------------------------------------------------------------------------------------
// Part two: own and someone else's objects, for the users who do hold a route's role.

/// What a GET of a route answers for a user with their own object in the path.
#[derive(Clone, Copy, Debug)]
enum Own {
    /// 200, with these objects (fixture names, one per placeholder, in order).
    Shown(&'static str),
    /// 403 with a page that tells the user why (only the opleider decides this), with these
    /// objects; the second text says why they are told rather than shown 404.
    Told(&'static str, &'static str),
    /// The user has no such object; says why. Only someone else's is tried.
    Absent(&'static str),
    /// The route only changes state (POST only): an own object is not sent, the feature tests
    /// cover that.
    NotSent,
}

use Own::{Absent, NotSent, Shown, Told};

/// One user's cells on one route: their own object, and someone else's objects (each answers
/// 404 to GET and POST and changes nothing).
type Cells = (&'static str, Own, &'static [&'static str]);

/// The back office sees every object by design (docs/domain/README.md, Roles): on its routes the
/// RGS-medewerker has no someone else's object, only their own (which is everyone's).
const EVERYONE_IS_THE_RGS: &[&str] = &[];

const NO_INVOICES: Own = Absent("pays nothing in the portal: has no invoice or payment");
const IN_NO_REGISTER: Own =
    Absent("is in no register: her completed training ended long before she could register");

/// For every route with an object in its path that a user reaches with their role: which
/// fixture is their own object and which are someone else's, per role-holding demo user.
/// The fixtures are made by [`objects`]: `anna` is demo.aios (kindergeneeskunde, registered,
/// with a change request in concept), `lotte` an aios of demo.opleider (with a proposed
/// shortening), `karim` demo.specialist and `pieter` demo.opleider as specialists (a refused
/// herregistratie each), and `noor` an aios outside every demo relation: her IGT, approved by
/// demo.opleider, has passed to `ander` (another opleider, with an ondersteuner of his own and
/// a request naming him), and has a change request in concept with a period and an
/// interruption, a proposed shortening, an invoice and a payment. A cell
/// `"lotte.training noor.shortening"` puts someone else's object under one's own.
const OBJECT_CELLS: &[(&str, &[Cells])] = &[
    (
        "/facturen/{id}",
        &[
            ("demo.aios", Shown("anna.invoice"), &["noor.invoice"]),
            ("demo.specialist", Shown("karim.invoice"), &["noor.invoice"]),
            ("demo.opleider", Shown("pieter.invoice"), &["karim.invoice"]),
            ("demo.ondersteuner", NO_INVOICES, &["noor.invoice"]),
            ("demo.contactpersoon", NO_INVOICES, &["noor.invoice"]),
            // The back office reads everyone's invoices at /rgs/facturen, not here.
            ("demo.rgs", NO_INVOICES, &["noor.invoice"]),
        ],
    ),
    (
        "/facturen/{id}/pdf",
        &[
            ("demo.aios", Shown("anna.invoice"), &["noor.invoice"]),
            ("demo.specialist", Shown("karim.invoice"), &["noor.invoice"]),
            ("demo.opleider", Shown("pieter.invoice"), &["karim.invoice"]),
            ("demo.ondersteuner", NO_INVOICES, &["noor.invoice"]),
            ("demo.contactpersoon", NO_INVOICES, &["noor.invoice"]),
            ("demo.rgs", NO_INVOICES, &["noor.invoice"]),
        ],
    ),
    (
        "/facturen/{id}/betalen",
        &[
            ("demo.aios", NotSent, &["noor.invoice"]),
            ("demo.specialist", NotSent, &["noor.invoice"]),
            ("demo.opleider", NotSent, &["karim.invoice"]),
            ("demo.ondersteuner", NotSent, &["noor.invoice"]),
            ("demo.contactpersoon", NotSent, &["noor.invoice"]),
            ("demo.rgs", NotSent, &["noor.invoice"]),
        ],
    ),
    (
        "/betalingen/{id}",
        &[
            ("demo.aios", Shown("anna.payment"), &["noor.payment"]),
            ("demo.specialist", Shown("karim.payment"), &["noor.payment"]),
            ("demo.opleider", Shown("pieter.payment"), &["karim.payment"]),
            ("demo.ondersteuner", NO_INVOICES, &["noor.payment"]),
            ("demo.contactpersoon", NO_INVOICES, &["noor.payment"]),
            ("demo.rgs", NO_INVOICES, &["noor.payment"]),
        ],
    ),
    (
        "/betalingen/{id}/terug",
        &[
            ("demo.aios", Shown("anna.payment"), &["noor.payment"]),
            ("demo.specialist", Shown("karim.payment"), &["noor.payment"]),
            ("demo.opleider", Shown("pieter.payment"), &["karim.payment"]),
            ("demo.ondersteuner", NO_INVOICES, &["noor.payment"]),
            ("demo.contactpersoon", NO_INVOICES, &["noor.payment"]),
            ("demo.rgs", NO_INVOICES, &["noor.payment"]),
        ],
    ),
    (
        "/aios/opleidingen/{id}",
        &[("demo.aios", Shown("anna.training"), &["noor.training"])],
    ),
    (
        "/aios/opleidingen/{id}/versies",
        &[("demo.aios", Shown("anna.training"), &["noor.training"])],
    ),
    (
        "/aios/opleidingen/{id}/indienen",
        &[("demo.aios", Shown("anna.training"), &["noor.training"])],
    ),
    (
        "/aios/opleidingen/{id}/wijzigen",
        &[("demo.aios", NotSent, &["noor.training"])],
    ),
    (
        "/aios/opleidingen/{id}/intrekken",
        &[("demo.aios", NotSent, &["noor.training"])],
    ),
    (
        "/aios/opleidingen/{id}/periodes/nieuw",
        &[("demo.aios", Shown("anna.training"), &["noor.training"])],
    ),
    (
        "/aios/opleidingen/{id}/periodes/{item}",
        &[(
            "demo.aios",
            Shown("anna.training anna.period"),
            &["noor.training noor.period", "anna.training noor.period"],
        )],
    ),
    (
        "/aios/opleidingen/{id}/periodes/{item}/verwijderen",
        &[(
            "demo.aios",
            NotSent,
            &["noor.training noor.period", "anna.training noor.period"],
        )],
    ),
    (
        "/aios/opleidingen/{id}/onderbrekingen/nieuw",
        &[("demo.aios", Shown("anna.training"), &["noor.training"])],
    ),
    (
        "/aios/opleidingen/{id}/onderbrekingen/{item}",
        &[(
            "demo.aios",
            Shown("anna.training anna.interruption"),
            &[
                "noor.training noor.interruption",
                "anna.training noor.interruption",
            ],
        )],
    ),
    (
        "/aios/opleidingen/{id}/onderbrekingen/{item}/verwijderen",
        &[(
            "demo.aios",
            NotSent,
            &[
                "noor.training noor.interruption",
                "anna.training noor.interruption",
            ],
        )],
    ),
    (
        "/aios/opleidingen/{id}/verkorting",
        &[("demo.aios", Shown("anna.training"), &["noor.training"])],
    ),
    (
        "/aios/opleidingen/{id}/verkortingen/{sid}/intrekken",
        &[(
            "demo.aios",
            NotSent,
            &[
                "noor.training noor.shortening",
                "anna.training noor.shortening",
            ],
        )],
    ),
    (
        "/registratie/opleidingen/{id}/aanvragen",
        &[
            ("demo.aios", NotSent, &["noor.training"]),
            ("demo.specialist", NotSent, &["noor.training"]),
            ("demo.opleider", NotSent, &["noor.training"]),
        ],
    ),
    (
        "/registratie/inschrijvingen/{id}/bewijs",
        &[
            ("demo.aios", IN_NO_REGISTER, &["karim.entry"]),
            ("demo.specialist", Shown("karim.entry"), &["pieter.entry"]),
            ("demo.opleider", Shown("pieter.entry"), &["karim.entry"]),
        ],
    ),
    (
        "/registratie/inschrijvingen/{id}/herregistratie",
        &[
            ("demo.aios", IN_NO_REGISTER, &["karim.entry"]),
            ("demo.specialist", Shown("karim.entry"), &["pieter.entry"]),
            ("demo.opleider", Shown("pieter.entry"), &["karim.entry"]),
        ],
    ),
    (
        "/registratie/aanvragen/{id}/besluit",
        &[
            ("demo.aios", IN_NO_REGISTER, &["karim.application"]),
            (
                "demo.specialist",
                Shown("karim.application"),
                &["pieter.application"],
            ),
            (
                "demo.opleider",
                Shown("pieter.application"),
                &["karim.application"],
            ),
        ],
    ),
    (
        "/opleider/aios/{id}",
        &[
            ("demo.opleider", Shown("lotte.training"), &["noor.training"]),
            (
                "demo.ondersteuner",
                Shown("lotte.training"),
                &["noor.training"],
            ),
        ],
    ),
    (
        "/opleider/aios/{id}/goedkeuren",
        &[
            ("demo.opleider", NotSent, &["noor.training"]),
            ("demo.ondersteuner", NotSent, &["noor.training"]),
        ],
    ),
    (
        "/opleider/aios/{id}/afkeuren",
        &[
            ("demo.opleider", NotSent, &["noor.training"]),
            ("demo.ondersteuner", NotSent, &["noor.training"]),
        ],
    ),
    (
        "/opleider/aios/{id}/eindverklaring",
        &[("demo.opleider", NotSent, &["noor.training"])],
    ),
    (
        "/opleider/aios/{id}/verkorting",
        &[
            ("demo.opleider", Shown("lotte.training"), &["noor.training"]),
            (
                "demo.ondersteuner",
                Shown("lotte.training"),
                &["noor.training"],
            ),
        ],
    ),
    (
        "/opleider/aios/{id}/verkortingen/{sid}",
        &[
            (
                "demo.opleider",
                Shown("lotte.training lotte.shortening"),
                &[
                    "noor.training noor.shortening",
                    "lotte.training noor.shortening",
                ],
            ),
            (
                "demo.ondersteuner",
                Told(
                    "lotte.training lotte.shortening",
                    "only the opleider themself decides on a shortening; she works for him and \
                     sees this aios, so she is told so",
                ),
                &[
                    "noor.training noor.shortening",
                    "lotte.training noor.shortening",
                ],
            ),
        ],
    ),
    (
        "/opleider/aios/{id}/verkortingen/{sid}/goedkeuren",
        &[
            (
                "demo.opleider",
                NotSent,
                &[
                    "noor.training noor.shortening",
                    "lotte.training noor.shortening",
                ],
            ),
            (
                "demo.ondersteuner",
                NotSent,
                &[
                    "noor.training noor.shortening",
                    "lotte.training noor.shortening",
                ],
            ),
        ],
    ),
    (
        "/opleider/aios/{id}/verkortingen/{sid}/afwijzen",
        &[
            (
                "demo.opleider",
                NotSent,
                &[
                    "noor.training noor.shortening",
                    "lotte.training noor.shortening",
                ],
            ),
            (
                "demo.ondersteuner",
                NotSent,
                &[
                    "noor.training noor.shortening",
                    "lotte.training noor.shortening",
                ],
            ),
        ],
    ),
    (
        "/opleider/ondersteuners/{id}/bevestigen",
        &[("demo.opleider", NotSent, &["ander.request"])],
    ),
    (
        "/opleider/ondersteuners/{id}/afwijzen",
        &[("demo.opleider", NotSent, &["ander.request"])],
    ),
    (
        "/opleider/ondersteuners/delegaties/{id}/beeindigen",
        &[("demo.opleider", NotSent, &["ander.delegation"])],
    ),
    (
        "/contactpersoon/instellingen/{id}/rapport",
        &[("demo.contactpersoon", Shown("radboud"), &["isala"])],
    ),
    (
        "/contactpersoon/instellingen/{id}/rapport.csv",
        &[("demo.contactpersoon", Shown("radboud"), &["isala"])],
    ),
    (
        "/contactpersoon/instellingen/{id}/rapport.xlsx",
        &[("demo.contactpersoon", Shown("radboud"), &["isala"])],
    ),
    (
        "/contactpersoon/instellingen/{id}/rapport.pdf",
        &[("demo.contactpersoon", Shown("radboud"), &["isala"])],
    ),
    (
        "/rgs/mails/{id}/opnieuw",
        &[("demo.rgs", NotSent, EVERYONE_IS_THE_RGS)],
    ),
    (
        "/rgs/accountaanvragen/{id}",
        &[("demo.rgs", Shown("ander.request"), EVERYONE_IS_THE_RGS)],
    ),
    (
        "/rgs/accountaanvragen/{id}/goedkeuren",
        &[("demo.rgs", NotSent, EVERYONE_IS_THE_RGS)],
    ),
    (
        "/rgs/accountaanvragen/{id}/afwijzen",
        &[("demo.rgs", NotSent, EVERYONE_IS_THE_RGS)],
    ),
    (
        "/rgs/gebruikers/{id}",
        &[("demo.rgs", Shown("noor.user"), EVERYONE_IS_THE_RGS)],
    ),
    (
        "/rgs/gebruikers/{id}/tweede-factor",
        &[("demo.rgs", NotSent, EVERYONE_IS_THE_RGS)],
    ),
    (
        "/rgs/gebruikers/{id}/rollen",
        &[("demo.rgs", NotSent, EVERYONE_IS_THE_RGS)],
    ),
    (
        "/rgs/gebruikers/{id}/rollen/{assignment}/intrekken",
        &[("demo.rgs", NotSent, EVERYONE_IS_THE_RGS)],
    ),
    (
        "/rgs/gebruikers/{id}/blokkeren",
        &[("demo.rgs", NotSent, EVERYONE_IS_THE_RGS)],
    ),
    (
        "/rgs/gebruikers/{id}/deblokkeren",
        &[("demo.rgs", NotSent, EVERYONE_IS_THE_RGS)],
    ),
    (
        "/rgs/facturen/{id}",
        &[("demo.rgs", Shown("noor.invoice"), EVERYONE_IS_THE_RGS)],
    ),
    (
        "/rgs/facturen/{id}/crediteren",
        &[("demo.rgs", NotSent, EVERYONE_IS_THE_RGS)],
    ),
    (
        "/rgs/opleidingen/{id}",
        &[("demo.rgs", Shown("noor.training"), EVERYONE_IS_THE_RGS)],
    ),
    (
        "/rgs/opleidingen/{id}/afsluiten",
        &[("demo.rgs", NotSent, EVERYONE_IS_THE_RGS)],
    ),
    (
        "/rgs/opleidingen/{id}/verlenging",
        &[("demo.rgs", NotSent, EVERYONE_IS_THE_RGS)],
    ),
    (
        "/rgs/opleidingen/{id}/onderbreking",
        &[("demo.rgs", NotSent, EVERYONE_IS_THE_RGS)],
    ),
    (
        "/rgs/herregistraties/{id}",
        &[("demo.rgs", Shown("karim.application"), EVERYONE_IS_THE_RGS)],
    ),
    (
        "/rgs/herregistraties/{id}/besluit",
        &[("demo.rgs", NotSent, EVERYONE_IS_THE_RGS)],
    ),
    (
        "/rgs/referentiegegevens/instellingen/{id}",
        &[("demo.rgs", Shown("radboud"), EVERYONE_IS_THE_RGS)],
    ),
    (
        "/rgs/referentiegegevens/instituten/{id}",
        &[("demo.rgs", Shown("oigt"), EVERYONE_IS_THE_RGS)],
    ),
    (
        "/rgs/referentiegegevens/onderbrekingen/{code}",
        &[("demo.rgs", Shown("ziekte"), EVERYONE_IS_THE_RGS)],
    ),
    (
        "/rgs/referentiegegevens/tarieven/{id}",
        &[("demo.rgs", Shown("fee"), EVERYONE_IS_THE_RGS)],
    ),
    (
        "/rgs/referentiegegevens/specialismen/{id}",
        &[("demo.rgs", Shown("igt"), EVERYONE_IS_THE_RGS)],
    ),
    (
        "/rgs/referentiegegevens/specialismen/{id}/onderdelen/{position}",
        &[("demo.rgs", NotSent, EVERYONE_IS_THE_RGS)],
    ),
    (
        "/rgs/referentiegegevens/specialismen/{id}/erkenningen",
        &[("demo.rgs", NotSent, EVERYONE_IS_THE_RGS)],
    ),
    (
        "/rgs/referentiegegevens/specialismen/{id}/erkenningen/{institution}/intrekken",
        &[("demo.rgs", NotSent, EVERYONE_IS_THE_RGS)],
    ),
    (
        "/rgs/referentiegegevens/specialismen/{id}/instituten",
        &[("demo.rgs", NotSent, EVERYONE_IS_THE_RGS)],
    ),
    (
        "/rgs/referentiegegevens/specialismen/{id}/instituten/{institute}/ontkoppelen",
        &[("demo.rgs", NotSent, EVERYONE_IS_THE_RGS)],
    ),
];

/// Whether a user with `roles` holds `access`.
fn holds(roles: &[&str], access: Access) -> bool {
    match access {
        LoggedIn => true,
        Roles(allowed) => allowed.iter().any(|r| roles.contains(r)),
        Public | Link => false,
    }
}

/// The rows of ROUTES that need a logged-in user and name an object in their path.
fn routes_with_an_object() -> impl Iterator<Item = &'static (&'static str, &'static str, Access)> {
    ROUTES.iter().filter(|(_, template, access)| {
        matches!(access, LoggedIn | Roles(_)) && template.contains('{')
    })
}

/// `username`'s cells on `template` in OBJECT_CELLS.
fn cells_of(template: &str, username: &str) -> Option<&'static Cells> {
    OBJECT_CELLS
        .iter()
        .filter(|(t, _)| *t == template)
        .flat_map(|(_, cells)| cells.iter())
        .find(|(user, _, _)| *user == username)
}

fn placeholders(template: &str) -> usize {
    template.matches('{').count()
}

#[test]
fn every_route_with_an_object_says_per_user_which_object_is_their_own_and_whose_is_not() {
    let mut wrong = Vec::new();
    for (method, template, access) in routes_with_an_object() {
        for (username, roles) in DEMO_USERS {
            if holds(roles, *access) && cells_of(template, username).is_none() {
                wrong.push(format!(
                    "{method} {template}: no expected outcome for {username} in OBJECT_CELLS"
                ));
            }
        }
    }
    for (i, (template, cells)) in OBJECT_CELLS.iter().enumerate() {
        if OBJECT_CELLS[..i].iter().any(|(t, _)| t == template) {
            wrong.push(format!("{template} has two rows"));
        }
        let routes: Vec<_> = routes_with_an_object()
            .filter(|(_, t, _)| t == template)
            .collect();
        if routes.is_empty() {
            wrong.push(format!("{template}: no route with an object in ROUTES"));
            continue;
        }
        let has_get = routes.iter().any(|(m, _, _)| *m == "GET");
        let back_office = routes.iter().all(|(_, _, access)| *access == RGS);
        for (j, (username, own, foreign)) in cells.iter().enumerate() {
            let Some((_, roles)) = DEMO_USERS.iter().find(|(u, _)| u == username) else {
                wrong.push(format!("{template}: {username} is no demo user"));
                continue;
            };
            if !routes.iter().any(|(_, _, access)| holds(roles, *access)) {
                wrong.push(format!("{template}: {username} does not hold its role"));
            }
            if cells[..j].iter().any(|(u, _, _)| u == username) {
                wrong.push(format!("{template}: {username} has two cells"));
            }
            match own {
                NotSent if has_get => wrong.push(format!(
                    "{template}: {username}'s own object is not tried, but the route has a GET"
                )),
                Shown(_) | Told(..) if !has_get => wrong.push(format!(
                    "{template}: {username} has an own GET, but the route has none"
                )),
                Told(_, why) | Absent(why) if why.trim().is_empty() => wrong.push(format!(
                    "{template}: {username}'s exception does not say why"
                )),
                _ => {}
            }
            let mut objects: Vec<&str> = foreign.to_vec();
            if let Shown(o) | Told(o, _) = own {
                objects.push(o);
            }
            for o in objects {
                if o.split_whitespace().count() != placeholders(template) {
                    wrong.push(format!("{template}: {o:?} does not fill its placeholders"));
                }
            }
            // Only the back office has no one else's objects.
            if foreign.is_empty() != back_office {
                wrong.push(format!(
                    "{template}: {username} must {}try someone else's object",
                    if back_office { "not " } else { "" }
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// `template` with its placeholders filled, in order, with the fixtures named in `objects`.
fn fill(template: &str, objects: &str, ids: &HashMap<String, String>) -> String {
    let mut names = objects.split_whitespace();
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let close = open + rest[open..].find('}').unwrap();
        let name = names
            .next()
            .unwrap_or_else(|| panic!("{template}: too few objects in {objects:?}"));
        out.push_str(&rest[..open]);
        out.push_str(
            ids.get(name)
                .unwrap_or_else(|| panic!("no fixture called {name}")),
        );
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    assert!(
        names.next().is_none(),
        "{template}: too many objects in {objects:?}"
    );
    out
}

/// The fixtures of [`OBJECT_CELLS`], by name, and the demo users that are logged in on the
/// way (logging in is limited to 20 a minute per address). Made through the portal's pages
/// where the feature tests do so too; SQL only to pass Noor's training to another opleider and
/// to delegate an ondersteuner to him.
async fn objects(
    app: &TestApp,
) -> (
    HashMap<String, String>,
    HashMap<&'static str, reqwest::Client>,
) {
    use crate::helpers::accounts::{log_in_demo, register, user_id};
    use crate::helpers::location;

    let mut ids = HashMap::new();
    let mut clients = HashMap::new();
    // Noor: IGT submitted to demo.opleider (with the demo data, today 22-11-2026), paying
    // its invoice, approved, with a change request in concept and a proposed shortening.
    let noor = crate::supervision::submitted_training(app).await;
    let invoice = crate::payments::invoice_of(app, noor).await;
    let (confirm, _) = crate::payments::start_paying(app, &app.client, invoice).await;
    crate::payments::approve(app, noor).await;
    crate::aios::propose_ntc(app, noor).await;
    let proposed = crate::shortenings::propose_as_aios(app, noor, "3", "evc").await;
    assert_eq!(
        proposed.status(),
        StatusCode::SEE_OTHER,
        "Noor's shortening"
    );
    ids.insert("noor.training".to_owned(), noor.to_string());
    ids.insert("noor.invoice".to_owned(), invoice.to_string());
    ids.insert(
        "noor.payment".to_owned(),
        confirm.trim_start_matches("/betalingen/").to_owned(),
    );
    ids.insert(
        "noor.user".to_owned(),
        user_id(app, "noor").await.to_string(),
    );
    let concept = "JOIN schedule_versions v ON v.id = x.version_id
                   WHERE v.training_id = $1 AND v.status = 'concept'";
    ids.insert(
        "noor.period".to_owned(),
        one_of(
            app,
            &format!("SELECT x.id FROM schedule_periods x {concept}"),
            noor,
        )
        .await,
    );
    ids.insert(
        "noor.interruption".to_owned(),
        one_of(
            app,
            &format!("SELECT x.id FROM schedule_interruptions x {concept}"),
            noor,
        )
        .await,
    );
    ids.insert(
        "noor.shortening".to_owned(),
        one_of(
            app,
            "SELECT id FROM shortenings WHERE training_id = $1",
            noor,
        )
        .await,
    );

    // Her training passes to another opleider, who has an ondersteuner of his own and an
    // ondersteuner's account request naming him.
    crate::supervision::other_igt_opleider(app).await;
    let ander = user_id(app, "ander.opleider").await;
    sqlx::query("UPDATE trainings SET supervisor_id = $2 WHERE id = $1")
        .bind(noor)
        .bind(ander)
        .execute(&app.state.db)
        .await
        .unwrap();
    let sent = app
        .post_form_with(
            &app.new_client(),
            "/account-aanvragen/ondersteuner",
            &[
                ("naam", "Eva Smit"),
                ("email", "eva@isala.example"),
                ("telefoon", "038-424 24 24"),
                ("opleiders", &ander.to_string()),
                (
                    "motivatie",
                    "Ik plan de opleidingsschema's van de aios van Isala.",
                ),
            ],
        )
        .await;
    assert_eq!(
        location(&sent),
        "/account-aanvragen/verstuurd?aanvraag=ondersteuner"
    );
    crate::account_requests::confirm_by_mail(app, "eva@isala.example").await;
    ids.insert(
        "ander.request".to_owned(),
        one_id(
            app,
            "SELECT id FROM account_requests WHERE full_name = 'Eva Smit'",
        )
        .await,
    );
    register(app, "ander.ondersteuner", "specialist").await;
    let delegation: uuid::Uuid = sqlx::query_scalar(
        "INSERT INTO role_assignments (user_id, role, supervisor_id)
         SELECT id, 'ondersteuner', $1 FROM users WHERE username = 'ander.ondersteuner'
         RETURNING id",
    )
    .bind(ander)
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    ids.insert("ander.delegation".to_owned(), delegation.to_string());

    // Anna (demo.aios): her registered kindergeneeskunde with its change request in concept,
    // where she plans parental leave, and a payment started on her open invoice.
    log_in_demo(app, &app.client, "demo.aios").await;
    clients.insert("demo.aios", app.client.clone());
    let anna = one_id(
        app,
        "SELECT t.id FROM trainings t JOIN users u ON u.id = t.trainee_id
         JOIN specialties s ON s.id = t.specialty_id
         WHERE u.username = 'demo.aios' AND s.code = 'kindergeneeskunde'",
    )
    .await
    .parse()
    .unwrap();
    let leave = crate::aios::add_interruption(
        app,
        anna,
        "ouderschapsverlof",
        "Radboudumc",
        "01-02-2027",
        "01-03-2027",
    )
    .await;
    assert_eq!(leave.status(), StatusCode::SEE_OTHER, "Anna's leave");
    ids.insert("anna.training".to_owned(), anna.to_string());
    ids.insert(
        "anna.period".to_owned(),
        one_of(
            app,
            &format!("SELECT x.id FROM schedule_periods x {concept}"),
            anna,
        )
        .await,
    );
    ids.insert(
        "anna.interruption".to_owned(),
        one_of(
            app,
            &format!(
                "SELECT x.id FROM schedule_interruptions x {concept} AND NOT x.entered_by_rgs"
            ),
            anna,
        )
        .await,
    );
    let invoice: uuid::Uuid = one_id(
        app,
        "SELECT i.id FROM invoices i JOIN users u ON u.id = i.user_id
         WHERE u.username = 'demo.aios' AND i.status = 'open' LIMIT 1",
    )
    .await
    .parse()
    .unwrap();
    let (confirm, _) = crate::payments::start_paying(app, &app.client, invoice).await;
    ids.insert("anna.invoice".to_owned(), invoice.to_string());
    ids.insert(
        "anna.payment".to_owned(),
        confirm.trim_start_matches("/betalingen/").to_owned(),
    );

    // Lotte: an aios of demo.opleider, with a shortening waiting for him.
    let lotte = one_id(
        app,
        "SELECT t.id FROM trainings t JOIN users u ON u.id = t.trainee_id
         WHERE u.username = 'demo.aios.lotte'",
    )
    .await;
    ids.insert(
        "lotte.shortening".to_owned(),
        one_of(
            app,
            "SELECT id FROM shortenings WHERE training_id = $1",
            lotte.parse().unwrap(),
        )
        .await,
    );
    ids.insert("lotte.training".to_owned(), lotte);

    // Karim (demo.specialist) and Pieter (demo.opleider, a specialist too): each applies for
    // herregistratie, starts paying, and is refused by the RGS.
    let rgs = app.new_client();
    log_in_demo(app, &rgs, "demo.rgs").await;
    clients.insert("demo.rgs", rgs.clone());
    for (name, username) in [("karim", "demo.specialist"), ("pieter", "demo.opleider")] {
        let (entry, application) = crate::registers::herregistratie_request(app, username).await;
        let invoice: uuid::Uuid = one_id(
            app,
            &format!("SELECT invoice_id FROM register_applications WHERE id = '{application}'"),
        )
        .await
        .parse()
        .unwrap();
        let client = app.new_client();
        log_in_demo(app, &client, username).await;
        let (confirm, _) = crate::payments::start_paying(app, &client, invoice).await;
        clients.insert(username, client);
        let refused = app
            .post_form_with(
                &rgs,
                &format!("/rgs/herregistraties/{application}/besluit"),
                &[
                    ("bevestigd", "ja"),
                    ("besluit", "afwijzen"),
                    (
                        "toelichting",
                        "Te weinig uren gewerkt in de referentieperiode.",
                    ),
                ],
            )
            .await;
        assert_eq!(refused.status(), StatusCode::SEE_OTHER, "{name} refused");
        let payment = confirm.trim_start_matches("/betalingen/").to_owned();
        for (kind, id) in [
            ("entry", entry.to_string()),
            ("application", application.to_string()),
            ("invoice", invoice.to_string()),
            ("payment", payment),
        ] {
            ids.insert(format!("{name}.{kind}"), id);
        }
    }

    // Reference data, and the institution of demo.contactpersoon and one of someone else.
    for (name, sql) in [
        (
            "radboud",
            "SELECT id FROM institutions WHERE name = 'Radboudumc'",
        ),
        ("isala", "SELECT id FROM institutions WHERE name = 'Isala'"),
        ("oigt", "SELECT id FROM institutes WHERE code = 'oigt'"),
        ("fee", "SELECT id FROM fees ORDER BY year DESC, id LIMIT 1"),
        ("igt", "SELECT id FROM specialties WHERE code = 'igt'"),
    ] {
        ids.insert(name.to_owned(), one_id(app, sql).await);
    }
    ids.insert("ziekte".to_owned(), "ziekte".to_owned());
    (ids, clients)
}

/// The first id `sql` finds for `object` (its `$1`).
async fn one_of(app: &TestApp, sql: &str, object: uuid::Uuid) -> String {
    sqlx::query_scalar::<_, uuid::Uuid>(sql)
        .bind(object)
        .fetch_one(&app.state.db)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .to_string()
}

/// Everything a request could change: the audit records that are not about logging in, and a
/// digest of every other table of the portal.
async fn state_of(app: &TestApp) -> (i64, Vec<(String, Option<String>)>) {
    let audited = sqlx::query_scalar::<_, i64>(
        "SELECT count(*) FROM audit_log WHERE action NOT LIKE 'auth.%'
           AND action NOT LIKE 'login.%' AND action NOT LIKE 'session.%'",
    )
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT tablename::text FROM pg_tables
         WHERE schemaname = 'public' AND tablename <> 'audit_log' ORDER BY 1",
    )
    .fetch_all(&app.state.db)
    .await
    .unwrap();
    let mut digests = Vec::new();
    for table in tables {
        let digest: Option<String> = sqlx::query_scalar(&format!(
            r#"SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM "{table}" t"#
        ))
        .fetch_one(&app.state.db)
        .await
        .unwrap();
        digests.push((table, digest));
    }
    (audited, digests)
}

#[tokio::test]
async fn a_user_with_the_role_reaches_their_own_objects_and_never_someone_elses() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let (ids, mut clients) = objects(&app).await;
    let mut users = Vec::new();
    for (username, roles) in DEMO_USERS {
        let client = match clients.remove(username) {
            Some(client) => client,
            None => {
                let client = app.new_client();
                crate::helpers::accounts::log_in_demo(&app, &client, username).await;
                client
            }
        };
        users.push((*username, *roles, client));
    }
    let mut unexpected = Vec::new();
    let (mut foreign_tried, mut own_tried) = (0, 0);

    // Someone else's object, by GET and by POST: 404, and nothing changes.
    let before = state_of(&app).await;
    for (method, template, access) in routes_with_an_object() {
        for (username, roles, client) in &users {
            if !holds(roles, *access) {
                continue;
            }
            let Some((_, _, foreign)) = cells_of(template, username) else {
                unexpected.push(format!(
                    "{username}: {method} {template}: no expected outcome"
                ));
                continue;
            };
            for objects in *foreign {
                let url = fill(template, objects, &ids);
                let response = if *method == "GET" {
                    client.get(app.url(&url)).send().await.unwrap()
                } else {
                    // The form a user of the page would send: with the current revision of
                    // the schedule in the path, so an edit is refused for whose item it is,
                    // not for a stale page.
                    let training = url.split('/').find_map(|s| s.parse().ok());
                    let revision = match training {
                        Some(training) => crate::aios::revision(&app, training).await,
                        None => "1".to_owned(),
                    };
                    app.post_form_with(
                        client,
                        &url,
                        &[("reden", "Een poging van binnen"), ("revisie", &revision)],
                    )
                    .await
                };
                foreign_tried += 1;
                if response.status() != StatusCode::NOT_FOUND {
                    unexpected.push(format!(
                        "{username}: {method} {template} with {objects}: {}, expected 404",
                        response.status()
                    ));
                }
            }
        }
    }
    let after = state_of(&app).await;
    if after.0 != before.0 {
        unexpected.push(format!(
            "someone else's objects: {} audit records written",
            after.0 - before.0
        ));
    }
    for ((table, was), (_, is)) in before.1.iter().zip(&after.1) {
        if was != is {
            unexpected.push(format!("someone else's objects: table {table} changed"));
        }
    }

    // Their own object, by GET: 200 (POSTs with own objects are the feature tests' work).
    for (method, template, access) in routes_with_an_object().filter(|(m, _, _)| *m == "GET") {
        for (username, roles, client) in &users {
            if !holds(roles, *access) {
                continue;
            }
            let (objects, expected) = match cells_of(template, username) {
                Some((_, Shown(objects), _)) => (objects, StatusCode::OK),
                Some((_, Told(objects, _), _)) => (objects, StatusCode::FORBIDDEN),
                _ => continue,
            };
            let url = fill(template, objects, &ids);
            let response = client.get(app.url(&url)).send().await.unwrap();
            own_tried += 1;
            if response.status() != expected {
                unexpected.push(format!(
                    "{username}: {method} {template} with own {objects}: {}, expected {expected}",
                    response.status()
                ));
            }
        }
    }
    assert!(
        foreign_tried > 90,
        "{foreign_tried} cells with someone else's object"
    );
    assert!(own_tried > 40, "{own_tried} cells with their own object");
    assert!(unexpected.is_empty(), "{}", unexpected.join("\n"));
}

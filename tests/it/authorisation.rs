//! The authorisation matrix, part one: every route of the portal, read from the router's
//! source so a new route cannot escape, with who may reach it written down in one table.
//! Anonymous visitors reach only the public routes, and every state-changing route refuses a
//! cross-site request.

use reqwest::StatusCode;
use sqlx::PgPool;

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
    // status, so posting it reveals and changes nothing by itself (SEC-PAY).
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

/// Every (method, path) the router declares, read from `src/routes`: each `.route(` call's
/// path and the methods (`get(`, `post(`) of its method router.
fn declared_routes() -> Vec<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/routes");
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
        if path.extension().is_none_or(|e| e != "rs") || path.ends_with("routes/bench.rs") {
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
            let Some(open) = call.find('"') else { continue };
            let Some(close) = call[open + 1..].find('"') else {
                continue;
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
                !words.iter().any(|w| ["put", "delete", "patch"].contains(w)),
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

#[sqlx::test]
async fn an_anonymous_visitor_reaches_only_the_public_routes(pool: PgPool) {
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

#[sqlx::test]
async fn every_state_changing_route_refuses_a_cross_site_request(pool: PgPool) {
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

#[sqlx::test]
async fn a_logged_in_user_reaches_no_route_of_a_role_they_do_not_have(pool: PgPool) {
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
            if response.status() != StatusCode::NOT_FOUND {
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

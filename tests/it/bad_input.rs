//! Faults and bad input, part one: every form the portal shows, found by following the links
//! of each demo user's pages (and a visitor's), receives hostile, malformed, out-of-range,
//! empty, garbled and oversized input. The portal answers with a Dutch page (a field message,
//! 4xx, or the change it was asked for), never a 5xx, and never reflects the hostile text
//! unescaped: not in any page of any user afterwards, not in a mail's headers, and not as a
//! formula in the contactpersoon's reports.

use crate::helpers::database::database;
use std::collections::{BTreeMap, HashSet, VecDeque};

use reqwest::StatusCode;
use scraper::{ElementRef, Html, Selector};

use crate::authorisation::{post_routes, route_of};
use crate::helpers::TestApp;
use crate::helpers::accounts::{log_in_demo, seed_demo};

/// Text that would run a script or break out of an attribute if a page showed it unescaped,
/// with a spreadsheet formula in front and a mail header after a line break.
const HOSTILE: &str = "=HYPERLINK(\"https://kwaad.example\")\"'><img src=x onerror=alert(1)>\
                       <script>alert(1)</script>\r\nBcc: kwaad@example.org";

/// What a response holds only if hostile input came back unescaped (the portal's own pages
/// have no inline script and no such image).
const REFLECTIONS: &[&str] = &["<script>alert(1)", "<img src=x"];

/// Ten megabytes, ten times the portal's limit.
const TEN_MB: usize = 10 * 1024 * 1024;

/// How many pages of one shape (the same path but for its ids) the crawl visits: enough to
/// reach each of the demo aios's trainings, each in another state.
const PAGES_PER_SHAPE: usize = 16;

/// A form as the page shows it.
#[derive(Clone, Debug)]
struct Form {
    /// The page it was found on.
    page: String,
    method: String,
    action: String,
    fields: Vec<Field>,
}

#[derive(Clone, Debug)]
struct Field {
    name: String,
    /// The input's type (`text`, `date`, `number`, `hidden`, …), `select` or `textarea`.
    kind: String,
    value: String,
}

pub(crate) fn selector(css: &str) -> Selector {
    Selector::parse(css).expect("valid selector")
}

/// A path with its ids and query values left out: pages of the same shape are visited a few
/// times only, so a long list does not make the crawl long.
pub(crate) fn shape(path: &str) -> String {
    let (path, query) = path.split_once('?').unwrap_or((path, ""));
    let mut keys: Vec<&str> = query
        .split('&')
        .filter_map(|pair| pair.split('=').next())
        .filter(|key| !key.is_empty())
        .collect();
    keys.sort_unstable();
    let segments: Vec<&str> = path
        .split('/')
        .map(|segment| {
            if uuid::Uuid::parse_str(segment).is_ok()
                || (!segment.is_empty() && segment.chars().all(|c| c.is_ascii_digit()))
            {
                "{id}"
            } else {
                segment
            }
        })
        .collect();
    format!("{}?{}", segments.join("/"), keys.join("&"))
}

fn form_of(page: &str, form: ElementRef<'_>) -> Form {
    let attr = |name: &str| form.value().attr(name).unwrap_or("").to_owned();
    let action = match attr("action") {
        action if action.is_empty() => page.to_owned(),
        action => action,
    };
    let mut fields = Vec::new();
    let mut radios = HashSet::new();
    for input in form.select(&selector("input[name], select[name], textarea[name]")) {
        let element = input.value();
        let name = element.attr("name").unwrap_or("").to_owned();
        let (kind, value) = match element.name() {
            "select" => {
                let first = input
                    .select(&selector("option"))
                    .find(|o| o.value().attr("selected").is_some())
                    .or_else(|| input.select(&selector("option")).next());
                let value = first
                    .and_then(|o| o.value().attr("value"))
                    .unwrap_or("")
                    .to_owned();
                ("select".to_owned(), value)
            }
            "textarea" => ("textarea".to_owned(), input.text().collect::<String>()),
            _ => {
                let kind = element.attr("type").unwrap_or("text").to_ascii_lowercase();
                if kind == "radio" && !radios.insert(name.clone()) {
                    continue;
                }
                (kind, element.attr("value").unwrap_or("").to_owned())
            }
        };
        fields.push(Field { name, kind, value });
    }
    Form {
        page: page.to_owned(),
        method: attr("method").to_ascii_lowercase(),
        action,
        fields,
    }
}

/// What went wrong, as lines for one failure message at the end.
#[derive(Default)]
struct Findings {
    problems: Vec<String>,
    requests: usize,
}

impl Findings {
    /// Records a problem, shortened so that a long input does not flood the report.
    fn problem(&mut self, text: String) {
        self.problems.push(text.chars().take(400).collect());
    }

    /// Checks one answer: no server error, no unescaped reflection, and a client error is a
    /// Dutch page.
    fn check(&mut self, what: &str, status: StatusCode, content_type: &str, body: &str) {
        self.requests += 1;
        if status.is_server_error() {
            self.problem(format!("{what}: {status}"));
        }
        for reflection in REFLECTIONS {
            if body.contains(reflection) {
                self.problem(format!("{what}: shows {reflection:?} unescaped"));
            }
        }
        if status.is_client_error()
            && !(content_type.starts_with("text/html") && body.contains("lang=\"nl\""))
        {
            self.problem(format!("{what}: {status} without a Dutch page"));
        }
        if content_type.starts_with("text/csv") {
            for line in body.lines() {
                if line
                    .split([';', ','])
                    .any(|cell| cell.trim_start_matches('"').starts_with(['=', '+', '@']))
                {
                    self.problem(format!("{what}: a CSV cell starts a formula: {line}"));
                }
            }
        }
    }
}

/// What one answer carries that the checks read.
struct Answer {
    status: StatusCode,
    content_type: String,
    body: String,
    /// The `Location` of a redirect, or empty.
    location: String,
}

/// Reads `response` whole; a body that is not UTF-8 (a PDF) is read lossily.
async fn read(response: reqwest::Response) -> Answer {
    let status = response.status();
    let location = crate::helpers::location(&response).to_owned();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let bytes = response.bytes().await.unwrap_or_default();
    let body = String::from_utf8_lossy(&bytes).into_owned();
    Answer {
        status,
        content_type,
        body,
        location,
    }
}

async fn fetch(client: &reqwest::Client, url: String) -> (StatusCode, String, String, String) {
    let answer = read(client.get(&url).send().await.expect("GET")).await;
    (
        answer.status,
        answer.content_type,
        answer.body,
        answer.location,
    )
}

/// Sends `path` once with a NUL after every query value, and once with a NUL after its last
/// path segment: PostgreSQL cannot store a NUL, so the portal refuses it at the edge with a
/// Dutch page (400), whatever the page.
async fn nul_in_address(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    findings: &mut Findings,
) {
    let (route, query) = path.split_once('?').unwrap_or((path, ""));
    let mut variants = Vec::new();
    if !query.is_empty() {
        let poisoned: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((key, value)) => format!("{key}={value}%00"),
                None => format!("{pair}=%00"),
            })
            .collect();
        variants.push(format!("{route}?{}", poisoned.join("&")));
    }
    if route.len() > 1 {
        variants.push(format!("{}%00", route.trim_end_matches('/')));
    }
    for variant in variants {
        let (status, content_type, body, _) = fetch(client, app.url(&variant)).await;
        let what = format!("GET {variant} (NUL)");
        findings.check(&what, status, &content_type, &body);
        if status != StatusCode::BAD_REQUEST || !body.contains("ongeldig teken") {
            findings.problem(format!("{what}: {status}, not refused as a NUL"));
        }
    }
}

/// Follows every link from `start` within the portal (each page shape at most
/// [`PAGES_PER_SHAPE`] times) and returns the forms whose shape is not yet in `form_shapes`.
async fn crawl(
    app: &TestApp,
    client: &reqwest::Client,
    start: &[String],
    form_shapes: &mut HashSet<String>,
    findings: &mut Findings,
) -> Vec<Form> {
    let mut queue: VecDeque<String> = start.iter().cloned().collect();
    let mut seen = HashSet::new();
    let mut per_shape: BTreeMap<String, usize> = BTreeMap::new();
    let mut forms = Vec::new();
    while let Some(path) = queue.pop_front() {
        if !seen.insert(path.clone()) {
            continue;
        }
        let visits = per_shape.entry(shape(&path)).or_default();
        if *visits >= PAGES_PER_SHAPE {
            continue;
        }
        *visits += 1;
        if *visits == 1 {
            nul_in_address(app, client, &path, findings).await;
        }
        let (status, content_type, body, location) = fetch(client, app.url(&path)).await;
        findings.check(&format!("GET {path}"), status, &content_type, &body);
        if status.is_redirection() && location.starts_with('/') {
            queue.push_back(location);
            continue;
        }
        if !content_type.starts_with("text/html") {
            continue;
        }
        let document = Html::parse_document(&body);
        for link in document.select(&selector("a[href]")) {
            let href = link.value().attr("href").unwrap_or("");
            let href = href.strip_prefix(app.base.as_str()).unwrap_or(href);
            let href = href.split('#').next().unwrap_or("");
            if href.starts_with('/') && !href.starts_with("//") {
                queue.push_back(href.to_owned());
            }
        }
        for element in document.select(&selector("form")) {
            let form = form_of(&path, element);
            let mut names: Vec<&str> = form.fields.iter().map(|f| f.name.as_str()).collect();
            names.sort_unstable();
            let key = format!(
                "{} {} {}",
                form.method,
                shape(&form.action),
                names.join(",")
            );
            // Logging out ends the crawl's session; it has no input to attack.
            if form.action != "/uitloggen" && form_shapes.insert(key) {
                forms.push(form);
            }
        }
    }
    forms
}

/// The fields of `form` with each value chosen by `value` (from its kind and shown value).
/// Whether `field` takes a date. The portal's date fields are text inputs (dag-maand-jaar),
/// so their names say it: `…datum`, or the bounds `van` and `tot` of a period.
fn is_date(field: &Field) -> bool {
    field.kind == "date"
        || (field.kind == "text"
            && (field.name.ends_with("datum") || ["van", "tot"].contains(&field.name.as_str())))
}

/// Whether `field` takes a number (a percentage, months, days, hours), also a text input.
fn is_number(field: &Field) -> bool {
    field.kind == "number"
        || (field.kind == "text"
            && ["deeltijd", "maanden", "dagen", "deskundigheidsbevordering"]
                .contains(&field.name.as_str()))
}

/// How many records the audit log holds: every change of state writes one.
async fn audit_records(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM audit_log")
        .fetch_one(&app.state.db)
        .await
        .expect("count the audit log")
}

fn filled(form: &Form, value: impl Fn(&Field) -> String) -> Vec<(String, String)> {
    form.fields
        .iter()
        .map(|field| (field.name.clone(), value(field)))
        .collect()
}

/// Sends `form` bad input in every way, checking each answer and the page a redirect leads to.
async fn attack(
    app: &TestApp,
    client: &reqwest::Client,
    form: &Form,
    findings: &mut Findings,
) -> Vec<String> {
    let mut led_to = Vec::new();
    let keep = |field: &Field| field.value.clone();
    let is_choice = |field: &Field| {
        matches!(
            field.kind.as_str(),
            "hidden" | "checkbox" | "radio" | "submit"
        )
    };
    let variants: Vec<(&str, Vec<(String, String)>)> = vec![
        (
            "hostile",
            filled(form, |f| match f {
                f if is_date(f) => "30-02-2026".to_owned(),
                f if is_number(f) => "abc".to_owned(),
                f if is_choice(f) => keep(f),
                _ => HOSTILE.to_owned(),
            }),
        ),
        (
            "hostile hidden fields and choices",
            filled(form, |_| HOSTILE.to_owned()),
        ),
        (
            "out of range",
            filled(form, |f| match f {
                f if is_date(f) => "2026-02-30".to_owned(),
                f if is_number(f) => "150".to_owned(),
                f if is_choice(f) => keep(f),
                // A long text; in a query string, as long as a browser sends.
                _ if form.method == "get" => "x".repeat(1_500),
                _ => "x".repeat(20_000),
            }),
        ),
        (
            "negative and far away",
            filled(form, |f| match f {
                f if is_date(f) => "99999-01-01".to_owned(),
                f if is_number(f) => "-1e309".to_owned(),
                _ => keep(f),
            }),
        ),
        (
            "NUL",
            filled(form, |f| match f {
                f if is_choice(f) => keep(f),
                f => format!("{}\0na een nul-teken", f.value),
            }),
        ),
        ("empty", Vec::new()),
    ];
    let has_text = form.fields.iter().any(|f| !is_choice(f));
    let action = &form.action;
    for (variant, fields) in variants {
        let what = format!("{} {action} ({variant}, from {})", form.method, form.page);
        let request = if form.method == "post" {
            client.post(app.url(action)).form(&fields)
        } else {
            client.get(app.url(action)).query(&fields)
        };
        let audited = audit_records(app).await;
        let response = match request.send().await {
            Ok(response) => response,
            Err(error) => {
                findings.problem(format!("{what}: no answer: {error}"));
                continue;
            }
        };
        let answer = read(response).await;
        findings.check(&what, answer.status, &answer.content_type, &answer.body);
        if variant == "NUL" && has_text {
            if answer.status != StatusCode::BAD_REQUEST || !answer.body.contains("ongeldig teken") {
                findings.problem(format!("{what}: {}, not refused as a NUL", answer.status));
            }
            if audit_records(app).await != audited {
                findings.problem(format!("{what}: a NUL was taken"));
            }
        }
        // A date or number that is no date or number is refused with a message, never taken
        // (or silently dropped): no state change, so no audit record.
        let bad_date_or_number = variant != "empty"
            && form.method == "post"
            && form.fields.iter().any(|f| is_date(f) || is_number(f));
        if bad_date_or_number {
            if audit_records(app).await != audited {
                findings.problem(format!("{what}: {} and taken", answer.status));
            } else if answer.status == StatusCode::UNPROCESSABLE_ENTITY
                && variant != "hostile hidden fields and choices"
                && !answer.body.contains("class=\"field__error\"")
                && !answer.body.contains("class=\"error-summary\"")
            {
                findings.problem(format!("{what}: 422 without saying what is wrong"));
            }
        }
        let location = answer
            .location
            .strip_prefix(app.base.as_str())
            .unwrap_or(&answer.location);
        if answer.status.is_redirection() && location.starts_with('/') {
            led_to.push(location.to_owned());
        }
    }
    if form.method != "post" {
        return led_to;
    }
    // Not form encoding at all: broken escapes, bytes that are not UTF-8, stray separators.
    let response = client
        .post(app.url(action))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(b"%zz=%%&&==&\xff\xfe=\xc3\x28&reden=%E0%A4%A".to_vec())
        .send()
        .await
        .expect("garbled POST");
    let Answer {
        status,
        content_type,
        body,
        ..
    } = read(response).await;
    findings.check(
        &format!("POST {action} (garbled)"),
        status,
        &content_type,
        &body,
    );

    // Ten megabytes: refused before it is read.
    let response = client
        .post(app.url(action))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("reden={}", "a".repeat(TEN_MB)))
        .send()
        .await;
    match response {
        Ok(response) => {
            let Answer {
                status,
                content_type,
                body,
                ..
            } = read(response).await;
            let what = format!("POST {action} (10 MB)");
            findings.check(&what, status, &content_type, &body);
            if status != StatusCode::PAYLOAD_TOO_LARGE {
                findings.problem(format!("{what}: {status}, not 413"));
            }
        }
        Err(error) => findings.problem(format!("POST {action} (10 MB): no answer: {error}")),
    }
    led_to
}

/// Crawls from `start`, attacks every new form, then crawls and attacks where those answers
/// led (an iDEAL test page, a new request), and records each form attacked.
async fn crawl_and_attack(
    app: &TestApp,
    client: &reqwest::Client,
    start: &[String],
    form_shapes: &mut HashSet<String>,
    findings: &mut Findings,
    attacked: &mut Vec<String>,
) {
    let mut start = start.to_vec();
    for _round in 0..3 {
        let forms = crawl(app, client, &start, form_shapes, findings).await;
        start.clear();
        for form in &forms {
            start.extend(attack(app, client, form, findings).await);
            attacked.push(format!("{} {}", form.method, form.action));
        }
        if start.is_empty() {
            break;
        }
    }
}

/// A client from its own loopback address, so that its attempts count against its own rate
/// limits (the portal limits logins and searches per address).
fn client_from(address: [u8; 4]) -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .local_address(std::net::IpAddr::from(address))
        .build()
        .expect("client")
}

/// The demo users, in an order where what one writes is read by the next ones; the RGS sees
/// everything and comes last (its forms block accounts and reset second factors).
pub(crate) const USERS: &[&str] = &[
    "demo.aios",
    "demo.specialist",
    "demo.ondersteuner",
    "demo.opleider",
    "demo.contactpersoon",
    "demo.rgs",
];

/// POST routes the crawl cannot reach from the demo data, and why.
const NOT_REACHED: &[&str] = &[
    // Logging out has no input, and would end the crawl's session.
    "/uitloggen",
    // The payment provider calls it, not a form; `payments.rs` posts unknown, malformed and
    // foreign ids to it.
    "/webhooks/mollie",
    // The demo aios has no interruption of its own on a concept and no shortening it can
    // withdraw; `aios.rs` and `shortenings.rs` use these routes.
    "/aios/opleidingen/{id}/onderbrekingen/{item}",
    "/aios/opleidingen/{id}/onderbrekingen/{item}/verwijderen",
    "/aios/opleidingen/{id}/verkortingen/{sid}/intrekken",
    // A button without input, shown only in the weeks around the end of a training with a
    // positive eindverklaring (`registers.rs`).
    "/registratie/opleidingen/{id}/aanvragen",
];

#[tokio::test]
async fn every_form_answers_bad_input_with_a_dutch_message_and_never_reflects_it() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    seed_demo(&app).await;
    let mut findings = Findings::default();
    let mut attacked: Vec<String> = Vec::new();

    // Work waiting for each role: a support request for the opleider (and then the RGS), a
    // herregistratie request for the RGS, and a mail that could not be sent.
    let opleider = crate::helpers::accounts::user_id(&app, "demo.opleider").await;
    let sent = app
        .post_form(
            "/account-aanvragen/ondersteuner",
            &[
                ("naam", "Els de Groot"),
                ("email", "els@ziekenhuis.nl"),
                ("telefoon", "024-361 11 11"),
                ("opleiders", &opleider.to_string()),
                (
                    "motivatie",
                    "Ik plan de schema's van de aios van dr. Jansen.",
                ),
            ],
        )
        .await;
    assert_eq!(
        crate::helpers::location(&sent),
        "/account-aanvragen/verstuurd?aanvraag=ondersteuner"
    );
    crate::account_requests::confirm_by_mail(&app, "els@ziekenhuis.nl").await;
    // And one not yet confirmed, whose confirmation link the crawl attacks.
    let unconfirmed = app
        .post_form(
            "/account-aanvragen/ondersteuner",
            &[
                ("naam", "Bo Jansen"),
                ("email", "bo@ziekenhuis.nl"),
                ("telefoon", "024-361 11 12"),
                ("opleiders", &opleider.to_string()),
                (
                    "motivatie",
                    "Ik plan de schema's van de aios van dr. Jansen.",
                ),
            ],
        )
        .await;
    assert_eq!(
        crate::helpers::location(&unconfirmed),
        "/account-aanvragen/verstuurd?aanvraag=ondersteuner"
    );
    // A new account not yet confirmed, one confirmed without an authenticator, and a forgotten
    // password: their mails carry links, and the second logs in halfway.
    let created = app
        .post_form(
            "/account/aanmaken",
            &[
                ("rol", "aios"),
                ("naam", "Sam Nieuw"),
                ("gebruikersnaam", "sam.nieuw"),
                ("email", "sam@example.nl"),
                ("wachtwoord", crate::helpers::accounts::PASSWORD),
                ("wachtwoord_herhaling", crate::helpers::accounts::PASSWORD),
            ],
        )
        .await;
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
    crate::helpers::accounts::register(&app, "kim.nieuw", "aios").await;
    let reset = app
        .post_form("/wachtwoord-vergeten", &[("account", "demo.aios")])
        .await;
    assert_eq!(
        reset.status(),
        StatusCode::OK,
        "the same answer for every account"
    );
    app.deliver_mail().await;
    sqlx::query(
        "UPDATE outbox_emails SET status = 'opgegeven'
         WHERE id = (SELECT id FROM outbox_emails ORDER BY id LIMIT 1)",
    )
    .execute(&app.state.db)
    .await
    .unwrap();

    let account = ["/account".to_owned()];
    let mut users = Vec::new();
    for username in USERS {
        let client = app.new_client();
        log_in_demo(&app, &client, username).await;
        users.push((client, HashSet::new()));
    }
    // Someone halfway through logging in, before the crawls below: the RGS's crawl blocks the
    // accounts whose pages it reaches and resets their second factor, and each user's crawl
    // types wrong passwords into their own "type your password again" forms, which count
    // towards the login's lock (docs/security.md §2).
    for (username, password, next) in [
        (
            "demo.specialist",
            mijnrgs::seed::DEMO_PASSWORD,
            "/inloggen/code",
        ),
        (
            "kim.nieuw",
            crate::helpers::accounts::PASSWORD,
            "/inloggen/authenticator",
        ),
    ] {
        let halfway = client_from([127, 0, 0, 3]);
        let step = halfway
            .post(app.url("/inloggen"))
            .form(&[("gebruikersnaam", username), ("wachtwoord", password)])
            .send()
            .await
            .unwrap();
        assert_eq!(crate::helpers::location(&step), next);
        let start = [next.to_owned(), "/inloggen/herstelcode".to_owned()];
        let mut shapes = HashSet::new();
        crawl_and_attack(
            &app,
            &halfway,
            &start,
            &mut shapes,
            &mut findings,
            &mut attacked,
        )
        .await;
    }

    for ((client, shapes), username) in users.iter_mut().zip(USERS) {
        crawl_and_attack(&app, client, &account, shapes, &mut findings, &mut attacked).await;
        if *username == "demo.specialist" {
            // Once the specialist's form was attacked, a herregistratie request waits for the RGS.
            crate::registers::demo_specialist_request(&app).await;
        }
    }

    // A visitor, from an address of its own.
    let visitor = client_from([127, 0, 0, 2]);
    let start = ["/".to_owned(), "/inloggen".to_owned()];
    let mut shapes = HashSet::new();
    crawl_and_attack(
        &app,
        &visitor,
        &start,
        &mut shapes,
        &mut findings,
        &mut attacked,
    )
    .await;
    // The links the mails carry: confirming an account, an invitation, a new password.
    for mail in app.sent_emails().await {
        let links: Vec<String> = mail
            .body
            .split_whitespace()
            .filter_map(|word| word.strip_prefix(app.base.as_str()))
            .filter(|path| {
                path.contains("/bevestigen/")
                    || path.contains("/uitnodiging/")
                    || path.contains("/wachtwoord-herstellen/")
            })
            .map(str::to_owned)
            .collect();
        if !links.is_empty() {
            let client = client_from([127, 0, 0, 4]);
            crawl_and_attack(
                &app,
                &client,
                &links,
                &mut HashSet::new(),
                &mut findings,
                &mut attacked,
            )
            .await;
        }
    }

    // Afterwards, what was written shows escaped on every page of every user; forms that
    // appeared meanwhile (unblocking an account) are attacked too.
    for (client, shapes) in &mut users {
        crawl_and_attack(&app, client, &account, shapes, &mut findings, &mut attacked).await;
    }
    let search = ["/register?zoek=kwaad".to_owned()];
    crawl(&app, &visitor, &search, &mut HashSet::new(), &mut findings).await;

    for mail in app.sent_emails().await {
        if mail.subject.contains(['\r', '\n']) || mail.to_address.contains(['\r', '\n']) {
            findings.problem(format!(
                "a mail header holds a line break: {:?}",
                mail.subject
            ));
        }
    }

    let reached: HashSet<&str> = attacked
        .iter()
        .filter_map(|form| {
            let (method, action) = form.split_once(' ')?;
            route_of(method, action)
        })
        .collect();
    let missed: Vec<&str> = post_routes().filter(|r| !reached.contains(r)).collect();
    assert_eq!(
        missed, NOT_REACHED,
        "the state-changing routes the crawl did not reach"
    );
    assert!(attacked.len() > 150, "{} forms", attacked.len());
    assert!(findings.requests > 600, "{} requests", findings.requests);
    assert!(
        findings.problems.is_empty(),
        "{} problems:\n{}",
        findings.problems.len(),
        findings.problems.join("\n")
    );
}

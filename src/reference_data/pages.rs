//! The back office's reference data pages (docs/domain/reference-data.md): institutions,
//! institutes, interruption types, fees, and specialties with their parts and recognitions. Every
//! handler takes
//! `RoleUser<Rgs>`: anyone else gets 404. An edit based on an older version of a row is
//! refused with 409 and the form as typed.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use tower_sessions::Session;
use uuid::Uuid;

use crate::platform::audit::Origin;
use crate::platform::state::AppState;
use crate::reference_data::upkeep::{
    self as admin, FeeInput, InstituteInput, InstitutionInput, InterruptionTypeInput, SaveError,
    SpecialtyInput,
};
use crate::web::action::Action;
use crate::web::current_user::{Rgs, RoleUser};
use crate::web::error::{AppError, AppResult};
use crate::web::flash::{self, FlashKind};
use crate::web::form::{FormErrors, SelectOption};
use crate::web::layout::Layout;
use rules::reference_data as reference_rules;
use rules::register_entry::Register;

const BASE: &str = "/rgs/referentiegegevens";

/// The reference data routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/rgs/referentiegegevens", get(index))
        .route(
            "/rgs/referentiegegevens/instellingen",
            get(institutions).post(add_institution),
        )
        .route(
            "/rgs/referentiegegevens/instellingen/{id}",
            get(institution).post(save_institution),
        )
        .route(
            "/rgs/referentiegegevens/instituten",
            get(institutes).post(add_institute),
        )
        .route(
            "/rgs/referentiegegevens/instituten/{id}",
            get(institute).post(save_institute),
        )
        .route(
            "/rgs/referentiegegevens/onderbrekingen",
            get(interruption_types).post(add_interruption_type),
        )
        .route(
            "/rgs/referentiegegevens/onderbrekingen/{code}",
            get(interruption_type).post(save_interruption_type),
        )
        .route("/rgs/referentiegegevens/tarieven", get(fees).post(add_fee))
        .route(
            "/rgs/referentiegegevens/tarieven/{id}",
            get(fee).post(save_fee),
        )
        .route(
            "/rgs/referentiegegevens/specialismen",
            get(specialties).post(add_specialty),
        )
        .route(
            "/rgs/referentiegegevens/specialismen/{id}",
            get(specialty).post(save_specialty),
        )
        .route(
            "/rgs/referentiegegevens/specialismen/{id}/onderdelen/{position}",
            post(save_part),
        )
        .route(
            "/rgs/referentiegegevens/specialismen/{id}/erkenningen",
            post(add_recognition),
        )
        .route(
            "/rgs/referentiegegevens/specialismen/{id}/erkenningen/{institution}/intrekken",
            post(withdraw_recognition),
        )
        .route(
            "/rgs/referentiegegevens/specialismen/{id}/instituten",
            post(link_institute),
        )
        .route(
            "/rgs/referentiegegevens/specialismen/{id}/instituten/{institute}/ontkoppelen",
            post(unlink_institute),
        )
}

/// The index.
#[derive(Template, WebTemplate)]
#[template(path = "reference_data/index.html")]
pub struct IndexPage {
    layout: Layout,
}

async fn index(_clerk: RoleUser<Rgs>, layout: Layout) -> IndexPage {
    IndexPage { layout }
}

/// Everything the reference forms post; each form sends its own fields.
#[derive(Deserialize, Default, Debug, Clone)]
pub struct RefForm {
    #[serde(default)]
    naam: String,
    #[serde(default)]
    plaats: String,
    #[serde(default)]
    soort: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    telt_mee: Option<String>,
    #[serde(default)]
    jaar: String,
    #[serde(default)]
    product: String,
    #[serde(default)]
    cluster: String,
    #[serde(default)]
    bedrag: String,
    #[serde(default)]
    register: String,
    /// Optional for the specialty, but always on its form: absent means the post was not the
    /// form's, and is refused rather than taken as clearing it (docs/security.md §8).
    #[serde(default)]
    eu_minimum: Option<String>,
    #[serde(default)]
    instituut: Option<String>,
    #[serde(default)]
    onderdeel: String,
    #[serde(default)]
    maanden: String,
    #[serde(default)]
    instelling: String,
    #[serde(default)]
    koppel_instituut: String,
    #[serde(default)]
    versie: String,
}

/// One field of a reference form.
pub struct Field {
    id: &'static str,
    label: &'static str,
    /// "text", "select" or "checkbox".
    kind: &'static str,
    value: String,
    options: Vec<SelectOption>,
    hint: &'static str,
}

impl Field {
    fn text(id: &'static str, label: &'static str, value: &str, hint: &'static str) -> Self {
        Field {
            id,
            label,
            kind: "text",
            value: value.to_owned(),
            options: Vec::new(),
            hint,
        }
    }

    fn select(
        id: &'static str,
        label: &'static str,
        value: &str,
        options: &[(&str, &str)],
    ) -> Self {
        Field {
            id,
            label,
            kind: "select",
            value: value.to_owned(),
            options: options
                .iter()
                .map(|(code, label)| SelectOption::new(code, *label))
                .collect(),
            hint: "",
        }
    }

    fn checkbox(id: &'static str, label: &'static str, checked: bool) -> Self {
        Field {
            id,
            label,
            kind: "checkbox",
            value: if checked { "ja" } else { "" }.to_owned(),
            options: Vec::new(),
            hint: "",
        }
    }
}

/// One row of a reference list; the first cell links to its edit page.
pub struct Row {
    cells: Vec<String>,
    href: String,
}

/// A list with an add form, or one item's edit form.
#[derive(Template, WebTemplate)]
#[template(path = "reference_data/simple.html")]
pub struct SimplePage {
    layout: Layout,
    title: String,
    intro: &'static str,
    /// Where "terug" leads.
    back: String,
    columns: Vec<&'static str>,
    rows: Vec<Row>,
    form_title: &'static str,
    action: String,
    submit: &'static str,
    fields: Vec<Field>,
    versie: String,
    errors: FormErrors,
    /// Shown above the form (what the current values are after a conflict, or why the
    /// item cannot change).
    note: Option<String>,
    /// Whether the form is shown.
    editable: bool,
}

const CONFLICT: &str = "Iemand anders heeft dit gegeven intussen gewijzigd. Hieronder staat uw \
                        invoer; controleer de huidige waarden en sla opnieuw op als uw wijziging \
                        nog nodig is.";

/// Answers a refused save: the form again with what was typed, 422 or (after a conflict) 409.
fn refused(mut page: SimplePage, error: Option<SaveError>, field: &'static str) -> Response {
    let status = match error {
        Some(SaveError::Conflict) => {
            page.note = Some(CONFLICT.to_owned());
            StatusCode::CONFLICT
        }
        Some(SaveError::Duplicate) => {
            page.errors.add(
                field,
                if field == "jaar" {
                    "Voor dit jaar, product en cluster bestaat al een tarief."
                } else {
                    "Deze naam of code bestaat al. Kies een andere."
                },
            );
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Some(SaveError::Locked) => {
            page.errors.add(
                field,
                "Dit tarief kan op een uitgegeven factuur staan en blijft daarom zoals het is. \
                 Voeg een tarief toe voor het jaar waarin het nieuwe bedrag gaat gelden.",
            );
            StatusCode::UNPROCESSABLE_ENTITY
        }
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    };
    (status, page).into_response()
}

/// Answers an add or edit form: `outcome` is the field errors, or the save with its message
/// and where to go next; `page` builds the page with the form again.
async fn answer_form(
    session: &Session,
    outcome: Result<impl Future<Output = Result<(String, String), SaveError>>, FormErrors>,
    field: &'static str,
    page: impl AsyncFnOnce(FormErrors) -> AppResult<SimplePage>,
) -> AppResult<Response> {
    let saving = match outcome {
        Ok(saving) => saving,
        Err(errors) => return Ok(refused(page(errors).await?, None, field)),
    };
    match saving.await {
        Ok((message, to)) => saved(session, &message, &to).await,
        Err(e) => {
            let error = save_failed(e)?;
            Ok(refused(page(FormErrors::new()).await?, Some(error), field))
        }
    }
}

async fn saved(session: &Session, message: &str, to: &str) -> AppResult<Response> {
    flash::push(session, FlashKind::Success, message).await?;
    Ok(Redirect::to(to).into_response())
}

fn save_failed(error: SaveError) -> Result<SaveError, AppError> {
    match error {
        SaveError::Database(e) => Err(e.into()),
        other => Ok(other),
    }
}

fn based_on(form: &RefForm) -> DateTime<Utc> {
    // A form without a valid token was not made by the edit page: treat it as outdated.
    admin::parse_token(&form.versie).unwrap_or(DateTime::UNIX_EPOCH)
}

// ---------------------------------------------------------------------------------------
// Institutions

fn institution_fields(form: &RefForm) -> Vec<Field> {
    vec![
        Field::text("naam", "Naam", &form.naam, ""),
        Field::text("plaats", "Plaats", &form.plaats, ""),
        Field::select(
            "soort",
            "Soort",
            &form.soort,
            &reference_rules::INSTITUTION_KINDS,
        ),
    ]
}

fn parse_institution(form: &RefForm) -> Result<InstitutionInput, FormErrors> {
    let mut errors = FormErrors::new();
    let name = reference_rules::parse_text(&form.naam, 2, 200, "de naam")
        .map_err(|m| errors.add("naam", m))
        .ok();
    let city = reference_rules::parse_text(&form.plaats, 2, 100, "de plaats")
        .map_err(|m| errors.add("plaats", m))
        .ok();
    let kind = reference_rules::parse_institution_kind(&form.soort)
        .map_err(|m| errors.add("soort", m))
        .ok();
    match (name, city, kind) {
        (Some(name), Some(city), Some(kind)) => Ok(InstitutionInput { name, city, kind }),
        _ => Err(errors),
    }
}

async fn institutions_page(
    state: &AppState,
    layout: Layout,
    form: RefForm,
    errors: FormErrors,
) -> AppResult<SimplePage> {
    let rows = admin::institutions(&state.db)
        .await?
        .into_iter()
        .map(|i| Row {
            href: format!("{BASE}/instellingen/{}", i.id),
            cells: vec![
                i.name,
                i.city,
                reference_rules::INSTITUTION_KINDS
                    .iter()
                    .find(|(c, _)| *c == i.kind)
                    .map_or(i.kind.clone(), |(_, l)| (*l).to_owned()),
            ],
        })
        .collect();
    Ok(list_page(
        layout,
        (
            "Opleidingsinrichtingen".to_owned(),
            "Ziekenhuizen, praktijken en andere instellingen waar periodes van een \
                opleiding plaatsvinden. Een naam of plaats wijzigen verandert niets aan \
                vastgestelde schema's of facturen; die tonen voortaan de nieuwe naam.",
        ),
        (vec!["Naam", "Plaats", "Soort"], rows),
        (
            "Instelling toevoegen",
            format!("{BASE}/instellingen"),
            institution_fields(&form),
        ),
        errors,
    ))
}

async fn institutions(
    _clerk: RoleUser<Rgs>,
    State(state): State<AppState>,
    layout: Layout,
) -> AppResult<SimplePage> {
    institutions_page(&state, layout, RefForm::default(), FormErrors::new()).await
}

async fn add_institution(
    clerk: RoleUser<Rgs>,
    Action {
        state,
        session,
        origin: meta,
    }: Action,
    layout: Layout,
    Form(form): Form<RefForm>,
) -> AppResult<Response> {
    let outcome = parse_institution(&form).map(async |input| {
        admin::save_institution(&state, &meta, clerk.id, None, &input)
            .await
            .map(|_| {
                (
                    format!("{} is toegevoegd.", input.name),
                    format!("{BASE}/instellingen"),
                )
            })
    });
    answer_form(&session, outcome, "naam", async |errors| {
        institutions_page(&state, layout, form, errors).await
    })
    .await
}

/// A list of `rows` under `columns`, with the form (its title, action and fields) that adds
/// one.
fn list_page(
    layout: Layout,
    (title, intro): (String, &'static str),
    (columns, rows): (Vec<&'static str>, Vec<Row>),
    (form_title, action, fields): (&'static str, String, Vec<Field>),
    errors: FormErrors,
) -> SimplePage {
    SimplePage {
        layout,
        title,
        intro,
        back: BASE.to_owned(),
        columns,
        rows,
        form_title,
        action,
        submit: "Toevoegen",
        fields,
        versie: String::new(),
        errors,
        note: None,
        editable: true,
    }
}

/// One item's edit form.
fn edit_page(
    layout: Layout,
    title: String,
    back: &str,
    action: String,
    fields: Vec<Field>,
    versie: String,
    errors: FormErrors,
) -> SimplePage {
    SimplePage {
        layout,
        title,
        intro: "",
        back: back.to_owned(),
        columns: Vec::new(),
        rows: Vec::new(),
        form_title: "Wijzigen",
        action,
        submit: "Opslaan",
        fields,
        versie,
        errors,
        note: None,
        editable: true,
    }
}

async fn institution(
    _clerk: RoleUser<Rgs>,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    layout: Layout,
) -> AppResult<SimplePage> {
    let found = admin::institution(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let form = RefForm {
        naam: found.name.clone(),
        plaats: found.city,
        soort: found.kind,
        ..RefForm::default()
    };
    Ok(edit_page(
        layout,
        found.name,
        &format!("{BASE}/instellingen"),
        format!("{BASE}/instellingen/{id}"),
        institution_fields(&form),
        admin::token(found.updated_at),
        FormErrors::new(),
    ))
}

async fn save_institution(
    clerk: RoleUser<Rgs>,
    Action {
        state,
        session,
        origin: meta,
    }: Action,
    Path(id): Path<Uuid>,
    layout: Layout,
    Form(form): Form<RefForm>,
) -> AppResult<Response> {
    let found = admin::institution(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let page = |errors| {
        edit_page(
            layout,
            found.name.clone(),
            &format!("{BASE}/instellingen"),
            format!("{BASE}/instellingen/{id}"),
            institution_fields(&form),
            admin::token(found.updated_at),
            errors,
        )
    };
    let existing = Some((id, based_on(&form)));
    let outcome = parse_institution(&form).map(async |input| {
        admin::save_institution(&state, &meta, clerk.id, existing, &input)
            .await
            .map(|_| {
                (
                    format!("{} is opgeslagen.", input.name),
                    format!("{BASE}/instellingen"),
                )
            })
    });
    answer_form(&session, outcome, "naam", async |errors| Ok(page(errors))).await
}

// ---------------------------------------------------------------------------------------
// Institutes

fn institute_fields(form: &RefForm, new: bool) -> Vec<Field> {
    let mut fields = Vec::new();
    if new {
        fields.push(Field::text(
            "code",
            "Code",
            &form.code,
            "Kleine letters, cijfers en streepjes; de code verandert later niet.",
        ));
    }
    fields.push(Field::text("naam", "Naam", &form.naam, ""));
    fields.push(Field::text("plaats", "Plaats", &form.plaats, ""));
    fields
}

fn parse_institute(form: &RefForm, code: Option<&str>) -> Result<InstituteInput, FormErrors> {
    let mut errors = FormErrors::new();
    let code = match code {
        Some(code) => Some(code.to_owned()),
        None => reference_rules::parse_code(&form.code)
            .map_err(|m| errors.add("code", m))
            .ok(),
    };
    let name = reference_rules::parse_text(&form.naam, 2, 200, "de naam")
        .map_err(|m| errors.add("naam", m))
        .ok();
    let city = reference_rules::parse_text(&form.plaats, 2, 100, "de plaats")
        .map_err(|m| errors.add("plaats", m))
        .ok();
    match (code, name, city) {
        (Some(code), Some(name), Some(city)) => Ok(InstituteInput { code, name, city }),
        _ => Err(errors),
    }
}

async fn institutes_page(
    state: &AppState,
    layout: Layout,
    form: RefForm,
    errors: FormErrors,
) -> AppResult<SimplePage> {
    let rows = admin::institutes(&state.db)
        .await?
        .into_iter()
        .map(|i| Row {
            href: format!("{BASE}/instituten/{}", i.id),
            cells: vec![i.name, i.city, i.code],
        })
        .collect();
    Ok(list_page(
        layout,
        (
            "Opleidingsinstituten".to_owned(),
            "Instituten die een instituutsopleiding verzorgen, zoals de huisartsopleiding.",
        ),
        (vec!["Naam", "Plaats", "Code"], rows),
        (
            "Instituut toevoegen",
            format!("{BASE}/instituten"),
            institute_fields(&form, true),
        ),
        errors,
    ))
}

async fn institutes(
    _clerk: RoleUser<Rgs>,
    State(state): State<AppState>,
    layout: Layout,
) -> AppResult<SimplePage> {
    institutes_page(&state, layout, RefForm::default(), FormErrors::new()).await
}

async fn add_institute(
    clerk: RoleUser<Rgs>,
    Action {
        state,
        session,
        origin: meta,
    }: Action,
    layout: Layout,
    Form(form): Form<RefForm>,
) -> AppResult<Response> {
    let outcome = parse_institute(&form, None).map(async |input| {
        admin::save_institute(&state, &meta, clerk.id, None, &input)
            .await
            .map(|_| {
                (
                    format!("{} is toegevoegd.", input.name),
                    format!("{BASE}/instituten"),
                )
            })
    });
    answer_form(&session, outcome, "code", async |errors| {
        institutes_page(&state, layout, form, errors).await
    })
    .await
}

async fn institute(
    _clerk: RoleUser<Rgs>,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    layout: Layout,
) -> AppResult<SimplePage> {
    let found = admin::institute(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let form = RefForm {
        naam: found.name.clone(),
        plaats: found.city,
        ..RefForm::default()
    };
    Ok(edit_page(
        layout,
        found.name,
        &format!("{BASE}/instituten"),
        format!("{BASE}/instituten/{id}"),
        institute_fields(&form, false),
        admin::token(found.updated_at),
        FormErrors::new(),
    ))
}

async fn save_institute(
    clerk: RoleUser<Rgs>,
    Action {
        state,
        session,
        origin: meta,
    }: Action,
    Path(id): Path<Uuid>,
    layout: Layout,
    Form(form): Form<RefForm>,
) -> AppResult<Response> {
    let found = admin::institute(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let page = |errors| {
        edit_page(
            layout,
            found.name.clone(),
            &format!("{BASE}/instituten"),
            format!("{BASE}/instituten/{id}"),
            institute_fields(&form, false),
            admin::token(found.updated_at),
            errors,
        )
    };
    let existing = Some((id, based_on(&form)));
    let outcome = parse_institute(&form, Some(&found.code)).map(async |input| {
        admin::save_institute(&state, &meta, clerk.id, existing, &input)
            .await
            .map(|_| {
                (
                    format!("{} is opgeslagen.", input.name),
                    format!("{BASE}/instituten"),
                )
            })
    });
    answer_form(&session, outcome, "naam", async |errors| Ok(page(errors))).await
}

// ---------------------------------------------------------------------------------------
// Interruption types

fn interruption_type_fields(form: &RefForm, new: bool) -> Vec<Field> {
    let mut fields = Vec::new();
    if new {
        fields.push(Field::text(
            "code",
            "Code",
            &form.code,
            "Kleine letters en lage streepjes; de code verandert later niet.",
        ));
    }
    fields.push(Field::text("naam", "Naam", &form.naam, ""));
    fields.push(Field::checkbox(
        "telt_mee",
        "Telt mee voor de 10 werkdagen per opleidingsjaar die niet hoeven te worden ingehaald",
        form.telt_mee.is_some(),
    ));
    fields
}

fn parse_interruption_type(
    form: &RefForm,
    code: Option<&str>,
) -> Result<InterruptionTypeInput, FormErrors> {
    let mut errors = FormErrors::new();
    let code = match code {
        Some(code) => Some(code.to_owned()),
        None => reference_rules::parse_type_code(&form.code)
            .map_err(|m| errors.add("code", m))
            .ok(),
    };
    let name = reference_rules::parse_text(&form.naam, 2, 200, "de naam")
        .map_err(|m| errors.add("naam", m))
        .ok();
    match (code, name) {
        (Some(code), Some(name)) => Ok(InterruptionTypeInput {
            code,
            name,
            counts_towards_limit: form.telt_mee.is_some(),
        }),
        _ => Err(errors),
    }
}

async fn interruption_types_page(
    state: &AppState,
    layout: Layout,
    form: RefForm,
    errors: FormErrors,
) -> AppResult<SimplePage> {
    let rows = admin::interruption_types(&state.db)
        .await?
        .into_iter()
        .map(|t| Row {
            href: format!("{BASE}/onderbrekingen/{}", t.code),
            cells: vec![
                t.name,
                if t.counts_towards_limit { "Ja" } else { "Nee" }.to_owned(),
                t.code,
            ],
        })
        .collect();
    Ok(list_page(
        layout,
        (
            "Soorten onderbreking".to_owned(),
            "Of een soort meetelt voor de 10 werkdagen per opleidingsjaar, bepaalt hoeveel \
                dagen een aios moet inhalen. Een wijziging geldt voor elke controle van een \
                schema vanaf nu; vastgestelde besluiten blijven zoals ze zijn.",
        ),
        (vec!["Naam", "Telt mee voor 10 dagen", "Code"], rows),
        (
            "Soort toevoegen",
            format!("{BASE}/onderbrekingen"),
            interruption_type_fields(&form, true),
        ),
        errors,
    ))
}

async fn interruption_types(
    _clerk: RoleUser<Rgs>,
    State(state): State<AppState>,
    layout: Layout,
) -> AppResult<SimplePage> {
    interruption_types_page(&state, layout, RefForm::default(), FormErrors::new()).await
}

async fn add_interruption_type(
    clerk: RoleUser<Rgs>,
    Action {
        state,
        session,
        origin: meta,
    }: Action,
    layout: Layout,
    Form(form): Form<RefForm>,
) -> AppResult<Response> {
    let outcome = parse_interruption_type(&form, None).map(async |input| {
        admin::save_interruption_type(&state, &meta, clerk.id, None, &input)
            .await
            .map(|()| {
                (
                    format!("{} is toegevoegd.", input.name),
                    format!("{BASE}/onderbrekingen"),
                )
            })
    });
    answer_form(&session, outcome, "code", async |errors| {
        interruption_types_page(&state, layout, form, errors).await
    })
    .await
}

async fn interruption_type(
    _clerk: RoleUser<Rgs>,
    State(state): State<AppState>,
    Path(code): Path<String>,
    layout: Layout,
) -> AppResult<SimplePage> {
    let found = admin::interruption_type(&state.db, &code)
        .await?
        .ok_or(AppError::NotFound)?;
    let form = RefForm {
        naam: found.name.clone(),
        telt_mee: found.counts_towards_limit.then(|| "ja".to_owned()),
        ..RefForm::default()
    };
    Ok(edit_page(
        layout,
        found.name,
        &format!("{BASE}/onderbrekingen"),
        format!("{BASE}/onderbrekingen/{code}"),
        interruption_type_fields(&form, false),
        admin::token(found.updated_at),
        FormErrors::new(),
    ))
}

async fn save_interruption_type(
    clerk: RoleUser<Rgs>,
    Action {
        state,
        session,
        origin: meta,
    }: Action,
    Path(code): Path<String>,
    layout: Layout,
    Form(form): Form<RefForm>,
) -> AppResult<Response> {
    let found = admin::interruption_type(&state.db, &code)
        .await?
        .ok_or(AppError::NotFound)?;
    let page = |errors| {
        edit_page(
            layout,
            found.name.clone(),
            &format!("{BASE}/onderbrekingen"),
            format!("{BASE}/onderbrekingen/{code}"),
            interruption_type_fields(&form, false),
            admin::token(found.updated_at),
            errors,
        )
    };
    let outcome = parse_interruption_type(&form, Some(&found.code)).map(async |input| {
        admin::save_interruption_type(&state, &meta, clerk.id, Some(based_on(&form)), &input)
            .await
            .map(|_| {
                (
                    format!("{} is opgeslagen.", input.name),
                    format!("{BASE}/onderbrekingen"),
                )
            })
    });
    answer_form(&session, outcome, "naam", async |errors| Ok(page(errors))).await
}

// ---------------------------------------------------------------------------------------
// Fees

const CLUSTERS: [(&str, &str); 4] = [
    ("", "Alle clusters"),
    ("1", "Cluster 1"),
    ("2", "Cluster 2"),
    ("3", "Cluster 3"),
];

fn fee_fields(form: &RefForm, new: bool) -> Vec<Field> {
    let mut fields = Vec::new();
    if new {
        fields.push(Field::text(
            "jaar",
            "Vanaf jaar",
            &form.jaar,
            "Het tarief geldt voor facturen vanaf dit jaar, tot er een tarief voor een later \
             jaar is.",
        ));
        fields.push(Field::select(
            "product",
            "Product",
            &form.product,
            &reference_rules::PRODUCTS,
        ));
        fields.push(Field::select(
            "cluster",
            "Cluster",
            &form.cluster,
            &CLUSTERS,
        ));
    }
    fields.push(Field::text(
        "bedrag",
        "Bedrag inclusief 21 % btw",
        &form.bedrag,
        "In euro, bijvoorbeeld 494,15.",
    ));
    fields
}

fn parse_fee(
    form: &RefForm,
    fixed: Option<(i16, &'static str, Option<i16>)>,
) -> Result<FeeInput, FormErrors> {
    let mut errors = FormErrors::new();
    let (year, product, cluster) = match fixed {
        Some((year, product, cluster)) => (Some(year), Some(product), Some(cluster)),
        None => (
            reference_rules::parse_year(&form.jaar)
                .map_err(|m| errors.add("jaar", m))
                .ok(),
            reference_rules::PRODUCTS
                .iter()
                .find(|(code, _)| *code == form.product)
                .map(|(code, _)| *code)
                .or_else(|| {
                    errors.add("product", "Kies het product.");
                    None
                }),
            reference_rules::parse_fee_cluster(&form.cluster)
                .map_err(|m| errors.add("cluster", m))
                .ok(),
        ),
    };
    let amount = reference_rules::parse_fee(&form.bedrag)
        .map_err(|m| errors.add("bedrag", m))
        .ok();
    match (year, product, cluster, amount) {
        (Some(year), Some(product), Some(cluster), Some(amount_cents)) => Ok(FeeInput {
            year,
            product,
            cluster,
            amount_cents,
        }),
        _ => Err(errors),
    }
}

async fn fees_page(
    state: &AppState,
    layout: Layout,
    form: RefForm,
    errors: FormErrors,
) -> AppResult<SimplePage> {
    let rows = admin::fees(&state.db)
        .await?
        .into_iter()
        .map(|f| Row {
            href: format!("{BASE}/tarieven/{}", f.id),
            cells: vec![
                f.year.to_string(),
                f.product_label().to_owned(),
                f.cluster
                    .map_or("Alle clusters".to_owned(), |c| format!("Cluster {c}")),
                f.amount(),
                if f.may_change {
                    "Nog niet gefactureerd"
                } else {
                    "Vastgesteld"
                }
                .to_owned(),
            ],
        })
        .collect();
    Ok(list_page(
        layout,
        (
            "Tarieven".to_owned(),
            "Een factuur krijgt het tarief van het laatste jaar tot en met het factuurjaar. \
                Uitgegeven facturen veranderen nooit; een tarief dat al op een factuur kan \
                staan, blijft vastgesteld. Een nieuw bedrag voert u in als tarief voor een \
                volgend jaar.",
        ),
        (vec!["Jaar", "Product", "Cluster", "Bedrag", "Status"], rows),
        (
            "Tarief toevoegen",
            format!("{BASE}/tarieven"),
            fee_fields(&form, true),
        ),
        errors,
    ))
}

async fn fees(
    _clerk: RoleUser<Rgs>,
    State(state): State<AppState>,
    layout: Layout,
) -> AppResult<SimplePage> {
    fees_page(&state, layout, RefForm::default(), FormErrors::new()).await
}

async fn add_fee(
    clerk: RoleUser<Rgs>,
    Action {
        state,
        session,
        origin: meta,
    }: Action,
    layout: Layout,
    Form(form): Form<RefForm>,
) -> AppResult<Response> {
    let outcome = parse_fee(&form, None).map(async |input| {
        admin::save_fee(&state, &meta, clerk.id, None, &input)
            .await
            .map(|_| {
                (
                    "Het tarief is toegevoegd.".to_owned(),
                    format!("{BASE}/tarieven"),
                )
            })
    });
    answer_form(&session, outcome, "jaar", async |errors| {
        fees_page(&state, layout, form, errors).await
    })
    .await
}

fn fee_title(fee: &admin::Fee) -> String {
    format!(
        "Tarief {} {}: {}",
        fee.product_label().to_lowercase(),
        fee.cluster
            .map_or("alle clusters".to_owned(), |c| format!("cluster {c}")),
        fee.year
    )
}

fn fee_edit_page(
    fee: &admin::Fee,
    layout: Layout,
    form: &RefForm,
    errors: FormErrors,
) -> SimplePage {
    let id = fee.id;
    let mut page = edit_page(
        layout,
        fee_title(fee),
        &format!("{BASE}/tarieven"),
        format!("{BASE}/tarieven/{id}"),
        fee_fields(form, false),
        admin::token(fee.updated_at),
        errors,
    );
    if !fee.may_change {
        page.editable = false;
        page.note = Some(format!(
            "Dit tarief ({}) kan op een uitgegeven factuur staan en blijft daarom zoals het is. \
             Voeg een tarief toe voor het jaar waarin een nieuw bedrag gaat gelden.",
            fee.amount()
        ));
    }
    page
}

async fn fee(
    _clerk: RoleUser<Rgs>,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    layout: Layout,
) -> AppResult<SimplePage> {
    let found = admin::fee(&state.db, id).await?.ok_or(AppError::NotFound)?;
    let form = RefForm {
        bedrag: found.amount().trim_start_matches("€").trim().to_owned(),
        ..RefForm::default()
    };
    Ok(fee_edit_page(&found, layout, &form, FormErrors::new()))
}

async fn save_fee(
    clerk: RoleUser<Rgs>,
    Action {
        state,
        session,
        origin: meta,
    }: Action,
    Path(id): Path<Uuid>,
    layout: Layout,
    Form(form): Form<RefForm>,
) -> AppResult<Response> {
    let found = admin::fee(&state.db, id).await?.ok_or(AppError::NotFound)?;
    let product = reference_rules::PRODUCTS
        .iter()
        .find(|(code, _)| *code == found.product)
        .map(|(code, _)| *code)
        .ok_or(AppError::NotFound)?;
    let existing = Some((id, based_on(&form)));
    let outcome = parse_fee(&form, Some((found.year, product, found.cluster))).map(async |input| {
        admin::save_fee(&state, &meta, clerk.id, existing, &input)
            .await
            .map(|_| {
                (
                    "Het tarief is opgeslagen.".to_owned(),
                    format!("{BASE}/tarieven"),
                )
            })
    });
    answer_form(&session, outcome, "bedrag", async |errors| {
        Ok(fee_edit_page(&found, layout, &form, errors))
    })
    .await
}

// ---------------------------------------------------------------------------------------
// Specialties

const REGISTERS: [(&str, &str); 2] = [
    ("specialist", "Specialistenregister"),
    ("profiel", "Profielregister"),
];

const CLUSTER_CHOICES: [(&str, &str); 3] =
    [("1", "Cluster 1"), ("2", "Cluster 2"), ("3", "Cluster 3")];

fn specialty_fields(form: &RefForm, new: bool) -> Vec<Field> {
    let mut fields = Vec::new();
    if new {
        fields.push(Field::text(
            "code",
            "Code",
            &form.code,
            "Kleine letters, cijfers en streepjes; de code verandert later niet.",
        ));
    }
    fields.push(Field::text("naam", "Naam", &form.naam, ""));
    if new {
        fields.push(Field::select(
            "register",
            "Register",
            &form.register,
            &REGISTERS,
        ));
    }
    fields.push(Field::select(
        "cluster",
        "Cluster (voor de tarieven)",
        &form.cluster,
        &CLUSTER_CHOICES,
    ));
    fields.push(Field::text(
        "eu_minimum",
        "EU-minimumduur in maanden (niet verplicht)",
        form.eu_minimum.as_deref().unwrap_or_default(),
        "Een verkorting mag de opleiding niet korter maken dan deze duur.",
    ));
    fields.push(Field::checkbox(
        "instituut",
        "De aios kiest een opleidingsinstituut",
        form.instituut.is_some(),
    ));
    if new {
        fields.push(Field::text(
            "onderdeel",
            "Naam van het (eerste) opleidingsonderdeel",
            &form.onderdeel,
            "",
        ));
        fields.push(Field::text(
            "maanden",
            "Vereiste duur van het onderdeel in maanden",
            &form.maanden,
            "Voltijds, bijvoorbeeld 60.",
        ));
    }
    fields
}

fn parse_specialty(form: &RefForm, code: Option<&str>) -> Result<SpecialtyInput, FormErrors> {
    let mut errors = FormErrors::new();
    let new = code.is_none();
    let code = match code {
        Some(code) => Some(code.to_owned()),
        None => reference_rules::parse_code(&form.code)
            .map_err(|m| errors.add("code", m))
            .ok(),
    };
    let name = reference_rules::parse_text(&form.naam, 2, 200, "de naam")
        .map_err(|m| errors.add("naam", m))
        .ok();
    let register = if new {
        REGISTERS
            .iter()
            .find(|(c, _)| *c == form.register)
            .map(|(c, _)| *c)
            .or_else(|| {
                errors.add("register", "Kies het register.");
                None
            })
    } else {
        Some("specialist")
    };
    let cluster = reference_rules::parse_cluster(&form.cluster)
        .map_err(|m| errors.add("cluster", m))
        .ok();
    let eu_minimum = match form.eu_minimum.as_deref() {
        Some(raw) => reference_rules::parse_optional_months(raw)
            .map_err(|m| errors.add("eu_minimum", m))
            .ok(),
        None => {
            errors.add(
                "eu_minimum",
                "Dit veld ontbrak in wat u verstuurde, daarom is er niets gewijzigd. Vul het in, \
                 of laat het leeg als er geen EU-minimumduur is.",
            );
            None
        }
    };
    let first_part = if new {
        let part =
            reference_rules::parse_text(&form.onderdeel, 2, 200, "de naam van het onderdeel")
                .map_err(|m| errors.add("onderdeel", m))
                .ok();
        let months = reference_rules::parse_months(&form.maanden)
            .map_err(|m| errors.add("maanden", m))
            .ok();
        part.zip(months)
    } else {
        None
    };
    match (code, name, register, cluster, eu_minimum) {
        (Some(code), Some(name), Some(register), Some(cluster), Some(eu_minimum_months))
            if errors.is_empty() =>
        {
            Ok(SpecialtyInput {
                code,
                name,
                register,
                cluster,
                eu_minimum_months,
                institute_based: form.instituut.is_some(),
                first_part,
            })
        }
        _ => Err(errors),
    }
}

async fn specialties_page(
    state: &AppState,
    layout: Layout,
    form: RefForm,
    errors: FormErrors,
) -> AppResult<SimplePage> {
    let rows = admin::specialties(&state.db)
        .await?
        .into_iter()
        .map(|s| Row {
            href: format!("{BASE}/specialismen/{}", s.id),
            cells: vec![
                s.name,
                match s.register.0 {
                    Register::Profile => "Profiel",
                    Register::Specialist => "Specialisme",
                }
                .to_owned(),
                s.required_months.to_string(),
                s.eu_minimum_months
                    .map_or("–".to_owned(), |m| m.to_string()),
                s.cluster.to_string(),
                s.recognitions.to_string(),
            ],
        })
        .collect();
    Ok(list_page(
        layout,
        (
            "Specialismen en profielen".to_owned(),
            "De opleidingsduur per onderdeel, de EU-minimumduur, het cluster en de erkende \
                opleidingsinrichtingen. Schema's worden vanaf een wijziging met de nieuwe \
                definitie gecontroleerd; genomen besluiten en uitgegeven facturen blijven zoals \
                ze zijn.",
        ),
        (
            vec![
                "Naam",
                "Soort",
                "Vereist (maanden)",
                "EU-minimum",
                "Cluster",
                "Erkende inrichtingen",
            ],
            rows,
        ),
        (
            "Specialisme of profiel toevoegen",
            format!("{BASE}/specialismen"),
            specialty_fields(&form, true),
        ),
        errors,
    ))
}

async fn specialties(
    _clerk: RoleUser<Rgs>,
    State(state): State<AppState>,
    layout: Layout,
) -> AppResult<SimplePage> {
    specialties_page(&state, layout, RefForm::default(), FormErrors::new()).await
}

async fn add_specialty(
    clerk: RoleUser<Rgs>,
    Action {
        state,
        session,
        origin: meta,
    }: Action,
    layout: Layout,
    Form(form): Form<RefForm>,
) -> AppResult<Response> {
    let outcome = parse_specialty(&form, None).map(async |input| {
        admin::save_specialty(&state, &meta, clerk.id, None, &input)
            .await
            .map(|id| {
                (
                    format!("{} is toegevoegd.", input.name),
                    format!("{BASE}/specialismen/{id}"),
                )
            })
    });
    answer_form(&session, outcome, "code", async |errors| {
        specialties_page(&state, layout, form, errors).await
    })
    .await
}

/// One specialty: its definition, its parts and its recognitions.
#[derive(Template, WebTemplate)]
#[template(path = "reference_data/specialty.html")]
pub struct SpecialtyPage {
    layout: Layout,
    specialty: admin::Specialty,
    fields: Vec<Field>,
    versie: String,
    parts: Vec<(admin::Part, String)>,
    recognitions: Vec<admin::Recognition>,
    institutions: Vec<SelectOption>,
    /// The institutes that run the training, and the others to choose from.
    linked_institutes: Vec<admin::Recognition>,
    other_institutes: Vec<SelectOption>,
    errors: FormErrors,
    note: Option<String>,
}

async fn specialty_page(
    state: &AppState,
    id: Uuid,
    layout: Layout,
    form: Option<RefForm>,
    errors: FormErrors,
) -> AppResult<SpecialtyPage> {
    let file = admin::specialty_file(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let specialty = file.specialty;
    let form = form.unwrap_or_else(|| RefForm {
        naam: specialty.name.clone(),
        cluster: specialty.cluster.to_string(),
        eu_minimum: Some(
            specialty
                .eu_minimum_months
                .map(|m| m.to_string())
                .unwrap_or_default(),
        ),
        instituut: specialty.institute_based.then(|| "ja".to_owned()),
        ..RefForm::default()
    });
    let option =
        |id: Uuid, name: &str, city: &str| SelectOption::new(id, format!("{name}, {city}"));
    Ok(SpecialtyPage {
        linked_institutes: file.linked_institutes,
        other_institutes: file
            .other_institutes
            .iter()
            .map(|i| option(i.id, &i.name, &i.city))
            .collect(),
        fields: specialty_fields(&form, false),
        versie: admin::token(specialty.updated_at),
        parts: file
            .parts
            .into_iter()
            .map(|p| {
                let token = admin::token(p.updated_at);
                (p, token)
            })
            .collect(),
        recognitions: file.recognitions,
        institutions: file
            .other_institutions
            .iter()
            .map(|i| option(i.id, &i.name, &i.city))
            .collect(),
        specialty,
        layout,
        errors,
        note: None,
    })
}

async fn specialty(
    _clerk: RoleUser<Rgs>,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    layout: Layout,
) -> AppResult<SpecialtyPage> {
    specialty_page(&state, id, layout, None, FormErrors::new()).await
}

async fn specialty_refused(
    state: &AppState,
    id: Uuid,
    layout: Layout,
    form: Option<RefForm>,
    errors: FormErrors,
    error: Option<SaveError>,
) -> AppResult<Response> {
    let mut page = specialty_page(state, id, layout, form, errors).await?;
    let status = match error {
        Some(SaveError::Conflict) => {
            page.note = Some(CONFLICT.to_owned());
            StatusCode::CONFLICT
        }
        Some(SaveError::Duplicate) => {
            page.errors
                .add("naam", "Deze naam bestaat al. Kies een andere.");
            StatusCode::UNPROCESSABLE_ENTITY
        }
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    };
    Ok((status, page).into_response())
}

async fn save_specialty(
    clerk: RoleUser<Rgs>,
    Action {
        state,
        session,
        origin: meta,
    }: Action,
    Path(id): Path<Uuid>,
    layout: Layout,
    Form(form): Form<RefForm>,
) -> AppResult<Response> {
    let found = admin::specialty(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let input = match parse_specialty(&form, Some(&found.code)) {
        Ok(input) => input,
        Err(errors) => {
            return specialty_refused(&state, id, layout, Some(form), errors, None).await;
        }
    };
    let existing = Some((id, based_on(&form)));
    match admin::save_specialty(&state, &meta, clerk.id, existing, &input).await {
        Ok(_) => {
            saved(
                &session,
                &format!("{} is opgeslagen.", input.name),
                &format!("{BASE}/specialismen/{id}"),
            )
            .await
        }
        Err(e) => {
            let error = save_failed(e)?;
            specialty_refused(
                &state,
                id,
                layout,
                Some(form),
                FormErrors::new(),
                Some(error),
            )
            .await
        }
    }
}

async fn save_part(
    clerk: RoleUser<Rgs>,
    Action {
        state,
        session,
        origin: meta,
    }: Action,
    Path((id, position)): Path<(Uuid, i16)>,
    layout: Layout,
    Form(form): Form<RefForm>,
) -> AppResult<Response> {
    admin::specialty(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut errors = FormErrors::new();
    let name = reference_rules::parse_text(&form.onderdeel, 2, 200, "de naam van het onderdeel")
        .map_err(|m| errors.add("onderdeel", m))
        .ok();
    let months = reference_rules::parse_months(&form.maanden)
        .map_err(|m| errors.add("maanden", m))
        .ok();
    let (Some(name), Some(months)) = (name, months) else {
        return specialty_refused(&state, id, layout, None, errors, None).await;
    };
    match admin::save_part(
        (&state, &meta),
        clerk.id,
        (id, position, based_on(&form)),
        &name,
        months,
    )
    .await
    {
        Ok(()) => {
            saved(
                &session,
                &format!("Het onderdeel {name} is opgeslagen."),
                &format!("{BASE}/specialismen/{id}"),
            )
            .await
        }
        Err(e) => {
            let error = save_failed(e)?;
            specialty_refused(&state, id, layout, None, FormErrors::new(), Some(error)).await
        }
    }
}

async fn add_recognition(
    clerk: RoleUser<Rgs>,
    Action {
        state,
        session,
        origin: meta,
    }: Action,
    Path(id): Path<Uuid>,
    layout: Layout,
    Form(form): Form<RefForm>,
) -> AppResult<Response> {
    admin::specialty(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let institution = match form.instelling.parse::<Uuid>() {
        Ok(institution) if admin::institution(&state.db, institution).await?.is_some() => {
            institution
        }
        _ => {
            let mut errors = FormErrors::new();
            errors.add("instelling", "Kies de opleidingsinrichting die u erkent.");
            return specialty_refused(&state, id, layout, None, errors, None).await;
        }
    };
    let message = match admin::set_recognition(&state, &meta, clerk.id, id, institution, true).await
    {
        Ok(true) => "De erkenning is toegevoegd.",
        Ok(false) => "Deze inrichting was al erkend.",
        Err(e) => return Err(save_failed(e).map(|_| AppError::NotFound)?),
    };
    saved(&session, message, &format!("{BASE}/specialismen/{id}")).await
}

async fn withdraw_recognition(
    clerk: RoleUser<Rgs>,
    State(state): State<AppState>,
    Path((id, institution)): Path<(Uuid, Uuid)>,
    session: Session,
    meta: Origin,
) -> AppResult<Response> {
    match admin::set_recognition(&state, &meta, clerk.id, id, institution, false).await {
        Ok(true) => {
            saved(
                &session,
                "De erkenning is ingetrokken.",
                &format!("{BASE}/specialismen/{id}"),
            )
            .await
        }
        Ok(false) => Err(AppError::NotFound),
        Err(e) => Err(save_failed(e).map(|_| AppError::NotFound)?),
    }
}

async fn link_institute(
    clerk: RoleUser<Rgs>,
    Action {
        state,
        session,
        origin: meta,
    }: Action,
    Path(id): Path<Uuid>,
    layout: Layout,
    Form(form): Form<RefForm>,
) -> AppResult<Response> {
    admin::specialty(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let institute = match form.koppel_instituut.parse::<Uuid>() {
        Ok(institute) if admin::institute(&state.db, institute).await?.is_some() => institute,
        _ => {
            let mut errors = FormErrors::new();
            errors.add("koppel_instituut", "Kies het opleidingsinstituut.");
            return specialty_refused(&state, id, layout, None, errors, None).await;
        }
    };
    let message = match admin::set_institute(&state, &meta, clerk.id, id, institute, true).await {
        Ok(true) => "Het instituut is gekoppeld.",
        Ok(false) => "Dit instituut was al gekoppeld.",
        Err(e) => return Err(save_failed(e).map(|_| AppError::NotFound)?),
    };
    saved(&session, message, &format!("{BASE}/specialismen/{id}")).await
}

async fn unlink_institute(
    clerk: RoleUser<Rgs>,
    State(state): State<AppState>,
    Path((id, institute)): Path<(Uuid, Uuid)>,
    session: Session,
    meta: Origin,
) -> AppResult<Response> {
    match admin::set_institute(&state, &meta, clerk.id, id, institute, false).await {
        Ok(true) => {
            saved(
                &session,
                "Het instituut is ontkoppeld. Lopende opleidingen bij dit instituut blijven zoals \
                 ze zijn.",
                &format!("{BASE}/specialismen/{id}"),
            )
            .await
        }
        Ok(false) => Err(AppError::NotFound),
        Err(e) => Err(save_failed(e).map(|_| AppError::NotFound)?),
    }
}

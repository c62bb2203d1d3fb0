//! The back office's reference data pages (docs/domain/reference-data.md). Four kinds
//! (institutions, institutes, interruption types and fees, in [`super::kinds`]) share one
//! list page with an add form and one edit page, written once here over a [`Kind`];
//! specialties have their own pages ([`super::specialty_pages`]). Every handler takes
//! `RoleUser<Rgs>`: anyone else gets 404. An edit based on an older version of a row is
//! refused with 409 and the form as typed.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use sqlx::PgPool;
use tower_sessions::Session;

use crate::platform::audit::Origin;
use crate::platform::ids::UserId;
use crate::platform::state::AppState;
use crate::reference_data::upkeep::{self as admin, SaveError};
use crate::web::action::Action;
use crate::web::current_user::{Rgs, RoleUser};
use crate::web::error::{AppError, AppResult};
use crate::web::flash::{self, FlashKind};
use crate::web::form::{FormErrors, SelectOption};
use crate::web::layout::Layout;

pub(super) const BASE: &str = "/rgs/referentiegegevens";

/// Everything the reference forms post; each form sends its own fields.
#[derive(Deserialize, Default, Debug, Clone)]
pub struct RefForm {
    #[serde(default)]
    pub(super) naam: String,
    /// Optional for the specialty, but always on its form, like `eu_minimum`.
    #[serde(default)]
    pub(super) beroepsnaam: Option<String>,
    #[serde(default)]
    pub(super) plaats: String,
    #[serde(default)]
    pub(super) soort: String,
    #[serde(default)]
    pub(super) code: String,
    #[serde(default)]
    pub(super) telt_mee: Option<String>,
    #[serde(default)]
    pub(super) jaar: String,
    #[serde(default)]
    pub(super) product: String,
    #[serde(default)]
    pub(super) cluster: String,
    #[serde(default)]
    pub(super) bedrag: String,
    #[serde(default)]
    pub(super) register: String,
    /// Optional for the specialty, but always on its form: absent means the post was not the
    /// form's, and is refused rather than taken as clearing it (docs/security.md §8).
    #[serde(default)]
    pub(super) eu_minimum: Option<String>,
    #[serde(default)]
    pub(super) instituut: Option<String>,
    #[serde(default)]
    pub(super) onderdeel: String,
    #[serde(default)]
    pub(super) maanden: String,
    #[serde(default)]
    pub(super) instelling: String,
    #[serde(default)]
    pub(super) koppel_instituut: String,
    #[serde(default)]
    pub(super) versie: String,
}

/// One field of a reference form.
pub struct Field {
    pub(super) id: &'static str,
    pub(super) label: &'static str,
    /// "text", "select" or "checkbox".
    pub(super) kind: &'static str,
    pub(super) value: String,
    pub(super) options: Vec<SelectOption>,
    pub(super) hint: &'static str,
}

/// The code of the item: `kept` when it is edited (a code never changes), otherwise the form's
/// code as `parse` reads it, with its message on the code field when it is wrong.
pub(super) fn item_code(
    form: &RefForm,
    kept: Option<&str>,
    parse: fn(&str) -> Result<String, &'static str>,
    errors: &mut FormErrors,
) -> Option<String> {
    match kept {
        Some(code) => Some(code.to_owned()),
        None => parse(&form.code).map_err(|m| errors.add("code", m)).ok(),
    }
}

impl Field {
    /// The code field of a new item (with `hint` saying which characters it takes); none when
    /// an item is edited, because a code never changes.
    pub(super) fn code(form: &RefForm, new: bool, hint: &'static str) -> Option<Self> {
        new.then(|| Field::text("code", "Code", &form.code, hint))
    }

    pub(super) fn text(
        id: &'static str,
        label: &'static str,
        value: &str,
        hint: &'static str,
    ) -> Self {
        Field {
            id,
            label,
            kind: "text",
            value: value.to_owned(),
            options: Vec::new(),
            hint,
        }
    }

    pub(super) fn select(
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

    pub(super) fn checkbox(id: &'static str, label: &'static str, checked: bool) -> Self {
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
    pub(super) cells: Vec<String>,
    pub(super) href: String,
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

pub(super) const CONFLICT: &str = "Iemand anders heeft dit gegeven intussen gewijzigd. Hieronder staat uw \
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
pub(super) async fn answer_form(
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

pub(super) async fn saved(session: &Session, message: &str, to: &str) -> AppResult<Response> {
    flash::push(session, FlashKind::Success, message).await?;
    Ok(Redirect::to(to).into_response())
}

pub(super) fn save_failed(error: SaveError) -> Result<SaveError, AppError> {
    match error {
        SaveError::Database(e) => Err(e.into()),
        other => Ok(other),
    }
}

pub(super) fn based_on(form: &RefForm) -> DateTime<Utc> {
    // A form without a valid token was not made by the edit page: treat it as outdated.
    admin::parse_token(&form.versie).unwrap_or(DateTime::UNIX_EPOCH)
}

/// A list of `rows` under `columns`, with the form (its title, action and fields) that adds
/// one.
pub(super) fn list_page(
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
pub(super) fn edit_page(
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

// ---------------------------------------------------------------------------------------
// The pages every kind shares

/// One kind of reference data whose pages are a list with an add form and an edit form per
/// item (the kinds are in [`super::kinds`]). Specialties have pages of their own
/// ([`super::specialty_pages`]): their parts and recognitions do not fit one form.
pub trait Kind: Send + Sync + 'static {
    /// What names an item in its URL: its id, or its code.
    type Key: DeserializeOwned + Send + Sync + 'static;
    /// An item as it is read.
    type Item: Send + Sync;
    /// What a valid form holds.
    type Input: Send + Sync;

    /// The list's path under [`BASE`].
    const PATH: &'static str;
    /// The list's title.
    const TITLE: &'static str;
    /// What the list is for, and what a change does.
    const INTRO: &'static str;
    /// The list's columns; the first links to the item.
    const COLUMNS: &'static [&'static str];
    /// The add form's title.
    const ADD_TITLE: &'static str;
    /// Where a refused add or edit (a duplicate, a locked fee) is reported.
    const ADD_FIELD: &'static str;
    /// The same for the edit form.
    const EDIT_FIELD: &'static str;

    /// The form's fields with what `form` holds; `new` for the add form.
    fn fields(form: &RefForm, new: bool) -> Vec<Field>;
    /// The input `form` asks for, adding to the `existing` item or changing it; the field
    /// errors otherwise.
    fn parse(form: &RefForm, existing: Option<&Self::Item>) -> Result<Self::Input, FormErrors>;
    /// Every item, in the list's order.
    fn list(db: &PgPool) -> impl Future<Output = Result<Vec<Self::Item>, sqlx::Error>> + Send;
    /// The item named `key`.
    fn find(
        db: &PgPool,
        key: &Self::Key,
    ) -> impl Future<Output = Result<Option<Self::Item>, sqlx::Error>> + Send;
    /// Adds the item, or changes `existing` if it is still as of the time given with it.
    fn save(
        at: (&AppState, &Origin),
        clerk: UserId,
        existing: Option<(&Self::Item, DateTime<Utc>)>,
        input: &Self::Input,
    ) -> impl Future<Output = Result<(), SaveError>> + Send;
    /// The item's name in its URL.
    fn key(item: &Self::Item) -> String;
    /// The item's row in the list.
    fn cells(item: Self::Item) -> Vec<String>;
    /// The edit form as the item is now.
    fn form_of(item: &Self::Item) -> RefForm;
    /// The edit page's title.
    fn title(item: &Self::Item) -> String;
    /// When the item last changed: an edit based on an older version is refused.
    fn version(item: &Self::Item) -> DateTime<Utc>;
    /// What the messages after a save name: "{subject} is toegevoegd", "… is opgeslagen".
    fn subject(input: &Self::Input) -> String;
    /// Why the item cannot change, if it cannot: its page then shows no form.
    fn locked(_item: &Self::Item) -> Option<String> {
        None
    }
}

/// The path of the list of kind `K`; an item's is below it.
fn kind_path<K: Kind>() -> String {
    format!("{BASE}/{}", K::PATH)
}

async fn list_with_form<K: Kind>(
    state: &AppState,
    layout: Layout,
    form: &RefForm,
    errors: FormErrors,
) -> AppResult<SimplePage> {
    let rows = K::list(&state.db)
        .await?
        .into_iter()
        .map(|item| Row {
            href: format!("{}/{}", kind_path::<K>(), K::key(&item)),
            cells: K::cells(item),
        })
        .collect();
    Ok(list_page(
        layout,
        (K::TITLE.to_owned(), K::INTRO),
        (K::COLUMNS.to_vec(), rows),
        (K::ADD_TITLE, kind_path::<K>(), K::fields(form, true)),
        errors,
    ))
}

pub(super) async fn list<K: Kind>(
    _clerk: RoleUser<Rgs>,
    State(state): State<AppState>,
    layout: Layout,
) -> AppResult<SimplePage> {
    list_with_form::<K>(&state, layout, &RefForm::default(), FormErrors::new()).await
}

pub(super) async fn add<K: Kind>(
    clerk: RoleUser<Rgs>,
    Action {
        state,
        session,
        origin: meta,
    }: Action,
    layout: Layout,
    Form(form): Form<RefForm>,
) -> AppResult<Response> {
    let outcome = K::parse(&form, None).map(async |input| {
        K::save((&state, &meta), clerk.id, None, &input)
            .await
            .map(|()| {
                (
                    format!("{} is toegevoegd.", K::subject(&input)),
                    kind_path::<K>(),
                )
            })
    });
    answer_form(&session, outcome, K::ADD_FIELD, async |errors| {
        list_with_form::<K>(&state, layout, &form, errors).await
    })
    .await
}

/// The edit page of `found`, with `form` as typed.
fn item_page<K: Kind>(
    found: &K::Item,
    layout: Layout,
    form: &RefForm,
    errors: FormErrors,
) -> SimplePage {
    let mut page = edit_page(
        layout,
        K::title(found),
        &kind_path::<K>(),
        format!("{}/{}", kind_path::<K>(), K::key(found)),
        K::fields(form, false),
        admin::token(K::version(found)),
        errors,
    );
    if let Some(note) = K::locked(found) {
        page.editable = false;
        page.note = Some(note);
    }
    page
}

pub(super) async fn item<K: Kind>(
    _clerk: RoleUser<Rgs>,
    State(state): State<AppState>,
    Path(key): Path<K::Key>,
    layout: Layout,
) -> AppResult<SimplePage> {
    let found = K::find(&state.db, &key).await?.ok_or(AppError::NotFound)?;
    Ok(item_page::<K>(
        &found,
        layout,
        &K::form_of(&found),
        FormErrors::new(),
    ))
}

pub(super) async fn save<K: Kind>(
    clerk: RoleUser<Rgs>,
    Action {
        state,
        session,
        origin: meta,
    }: Action,
    Path(key): Path<K::Key>,
    layout: Layout,
    Form(form): Form<RefForm>,
) -> AppResult<Response> {
    let found = K::find(&state.db, &key).await?.ok_or(AppError::NotFound)?;
    let existing = Some((&found, based_on(&form)));
    let outcome = K::parse(&form, Some(&found)).map(async |input| {
        K::save((&state, &meta), clerk.id, existing, &input)
            .await
            .map(|()| {
                (
                    format!("{} is opgeslagen.", K::subject(&input)),
                    kind_path::<K>(),
                )
            })
    });
    answer_form(&session, outcome, K::EDIT_FIELD, async |errors| {
        Ok(item_page::<K>(&found, layout, &form, errors))
    })
    .await
}

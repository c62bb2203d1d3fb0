//! Basisgegevens: name, date of birth, BIG-nummer, artsdiploma and contact details.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Form, Router, routing::get};
use serde::Deserialize;

use crate::accounts::basisgegevens::{self, DetailsUpdate, SaveError};
use crate::platform::state::AppState;
use crate::web::action::Action;
use crate::web::current_user::{Aios, RoleUser};
use crate::web::error::AppResult;
use crate::web::flash::{self, FlashKind};
use crate::web::form::{FormErrors, SelectOption};
use crate::web::layout::Layout;
use rules::account::FullName;
use rules::person::{self, BigNumber, PersonalDetails};

/// The basisgegevens routes.
pub fn router() -> Router<AppState> {
    Router::new().route("/aios/basisgegevens", get(show).post(save))
}

/// The basisgegevens form.
#[derive(Template, WebTemplate)]
#[template(path = "accounts/basisgegevens.html")]
pub struct BasisgegevensPage {
    layout: Layout,
    form: DetailsForm,
    faculties: Vec<SelectOption>,
    missing: Vec<&'static str>,
    errors: FormErrors,
    conflict: bool,
}

/// What the form posts; also what it shows. Every field is required in the post: a post that
/// leaves one out is refused (422) rather than taken as clearing it (docs/security.md).
#[derive(Deserialize, Default, Debug)]
pub struct DetailsForm {
    naam: String,
    geboortedatum: String,
    big_nummer: String,
    diplomadatum: String,
    universiteit: String,
    telefoon: String,
    adres: String,
    postcode: String,
    woonplaats: String,
    revisie: i32,
}

impl DetailsForm {
    fn from_details(details: &PersonalDetails, revision: i32) -> Self {
        let date = |d: Option<chrono::NaiveDate>| d.map(person::format_date).unwrap_or_default();
        Self {
            naam: details.full_name.clone(),
            geboortedatum: date(details.date_of_birth),
            big_nummer: details.big_number.clone().unwrap_or_default(),
            diplomadatum: date(details.diploma_date),
            universiteit: details.faculty_code.clone().unwrap_or_default(),
            telefoon: details.phone.clone().unwrap_or_default(),
            adres: details.street.clone().unwrap_or_default(),
            postcode: details.postcode.clone().unwrap_or_default(),
            woonplaats: details.city.clone().unwrap_or_default(),
            revisie: revision,
        }
    }
}

async fn faculty_options(state: &AppState) -> AppResult<Vec<SelectOption>> {
    Ok(basisgegevens::faculties(&state.db)
        .await?
        .into_iter()
        .map(|f| SelectOption::new(f.code, f.name))
        .collect())
}

async fn show(
    aios: RoleUser<Aios>,
    State(state): State<AppState>,
    layout: Layout,
) -> AppResult<BasisgegevensPage> {
    let (details, revision) = basisgegevens::load(&mut *state.db.acquire().await?, aios.id).await?;
    Ok(BasisgegevensPage {
        layout,
        form: DetailsForm::from_details(&details, revision),
        // On a connection of its own once the first is back: never holding one while waiting
        // for another, which a busy pool may not have.
        faculties: faculty_options(&state).await?,
        missing: details.missing_for_training(),
        errors: FormErrors::new(),
        conflict: false,
    })
}

/// Trims optional text: empty becomes `None`; longer than `max` characters is an error.
fn optional_text(
    errors: &mut FormErrors,
    field: &'static str,
    raw: &str,
    max: usize,
) -> Option<String> {
    let value = raw.trim();
    if value.chars().count() > max {
        errors.add(field, format!("Gebruik hier hoogstens {max} tekens."));
        return None;
    }
    (!value.is_empty()).then(|| value.to_owned())
}

fn optional_date(
    errors: &mut FormErrors,
    field: &'static str,
    raw: &str,
) -> Option<chrono::NaiveDate> {
    if raw.trim().is_empty() {
        return None;
    }
    person::parse_date(raw)
        .map_err(|m| errors.add(field, m))
        .ok()
}

fn parse(
    form: &DetailsForm,
    faculties: &[SelectOption],
    today: chrono::NaiveDate,
) -> Result<DetailsUpdate, FormErrors> {
    let mut errors = FormErrors::new();
    let full_name = FullName::parse(&form.naam)
        .map_err(|m| errors.add("naam", m))
        .ok();
    let date_of_birth = optional_date(&mut errors, "geboortedatum", &form.geboortedatum);
    let big_number = if form.big_nummer.trim().is_empty() {
        None
    } else {
        BigNumber::parse(&form.big_nummer)
            .map_err(|m| errors.add("big_nummer", m))
            .ok()
    };
    let diploma_date = optional_date(&mut errors, "diplomadatum", &form.diplomadatum);
    for (field, message) in person::check_dates(date_of_birth, diploma_date, today) {
        errors.add(field, message);
    }
    let faculty_code = match form.universiteit.as_str() {
        "" => None,
        code if faculties.iter().any(|f| f.value == code) => Some(code.to_owned()),
        _ => {
            errors.add("universiteit", "Kies de universiteit uit de lijst.");
            None
        }
    };
    let phone = optional_text(&mut errors, "telefoon", &form.telefoon, 40);
    if let Some(phone) = &phone {
        let digits = phone.chars().filter(char::is_ascii_digit).count();
        let allowed = phone
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '(' | ')'));
        if !allowed || !(10..=15).contains(&digits) {
            errors.add(
                "telefoon",
                "Vul een telefoonnummer van 10 tot 15 cijfers in, zoals 06 12345678.",
            );
        }
    }
    let street = optional_text(&mut errors, "adres", &form.adres, 200);
    let postcode = optional_text(&mut errors, "postcode", &form.postcode, 20).and_then(|raw| {
        let compact: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
        // Only ASCII can be a postcode; checking first keeps the byte split below on a
        // character boundary.
        let cut = if compact.is_ascii() {
            compact.len().min(4)
        } else {
            0
        };
        let (digits, letters) = compact.split_at(cut);
        let dutch = digits.len() == 4
            && digits.chars().all(|c| c.is_ascii_digit())
            && !digits.starts_with('0')
            && letters.len() == 2
            && letters.chars().all(|c| c.is_ascii_alphabetic());
        if dutch {
            Some(format!("{digits} {}", letters.to_uppercase()))
        } else {
            errors.add("postcode", "Vul een postcode in zoals 6525 GA.");
            None
        }
    });
    let city = optional_text(&mut errors, "woonplaats", &form.woonplaats, 100);
    match full_name {
        Some(full_name) if errors.is_empty() => Ok(DetailsUpdate {
            full_name,
            date_of_birth,
            big_number,
            diploma_date,
            faculty_code,
            phone,
            street,
            postcode,
            city,
        }),
        _ => Err(errors),
    }
}

async fn save(
    aios: RoleUser<Aios>,
    Action {
        state,
        session,
        origin: meta,
    }: Action,
    layout: Layout,
    Form(mut form): Form<DetailsForm>,
) -> AppResult<Response> {
    let faculties = faculty_options(&state).await?;
    let mut conflict = false;
    let errors = match parse(&form, &faculties, state.clock.today()) {
        Ok(update) => {
            match basisgegevens::save(&state, &meta, aios.id, form.revisie, &update).await {
                Ok(()) => {
                    flash::push(
                        &session,
                        FlashKind::Success,
                        "Uw basisgegevens zijn opgeslagen.",
                    )
                    .await?;
                    return Ok(Redirect::to("/aios/basisgegevens").into_response());
                }
                Err(SaveError::Stale) => {
                    conflict = true;
                    FormErrors::new()
                }
                Err(SaveError::BigNumberTaken) => {
                    let mut errors = FormErrors::new();
                    errors.add(
                        "big_nummer",
                        "Dit BIG-nummer hoort al bij een ander account. Controleer het nummer, of \
                         neem contact op met de helpdesk als u al een account heeft.",
                    );
                    errors
                }
                Err(SaveError::Database(e)) => return Err(e.into()),
            }
        }
        Err(errors) => errors,
    };
    let mut conn = state.db.acquire().await?;
    let (details, revision) = basisgegevens::load(&mut conn, aios.id).await?;
    let status = if conflict {
        // The user's input stays; the form now carries the newest revision, so saving again
        // is a deliberate choice after the warning.
        form.revisie = revision;
        StatusCode::CONFLICT
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((
        status,
        BasisgegevensPage {
            layout,
            form,
            faculties,
            missing: details.missing_for_training(),
            errors,
            conflict,
        },
    )
        .into_response())
}

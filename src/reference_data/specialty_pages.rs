//! The back office's pages for specialties and profiles (docs/domain/reference-data.md): the
//! list with the add form, and one specialty's page with its definition, its parts, the
//! institutions that are recognised for it and the institutes that run it. Every handler takes
//! `RoleUser<Rgs>`: anyone else gets 404. An edit based on an older version is refused with 409
//! and the form as typed.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use tower_sessions::Session;
use uuid::Uuid;

use crate::platform::audit::Origin;
use crate::platform::state::AppState;
use crate::reference_data::pages::{
    BASE, CONFLICT, Field, RefForm, Row, SimplePage, answer_form, based_on, item_code, list_page,
    save_failed, saved,
};
use crate::reference_data::upkeep::{self as admin, SaveError, SpecialtyInput};
use crate::web::action::Action;
use crate::web::current_user::{Rgs, RoleUser};
use crate::web::error::{AppError, AppResult};
use crate::web::form::{FormErrors, SelectOption};
use crate::web::layout::Layout;
use rules::reference_data as reference_rules;
use rules::register_entry::Register;

const REGISTERS: [(&str, &str); 2] = [
    ("specialist", "Specialistenregister"),
    ("profiel", "Profielregister"),
];

const CLUSTER_CHOICES: [(&str, &str); 3] =
    [("1", "Cluster 1"), ("2", "Cluster 2"), ("3", "Cluster 3")];

fn specialty_fields(form: &RefForm, new: bool) -> Vec<Field> {
    let mut fields: Vec<Field> = Field::code(
        form,
        new,
        "Kleine letters, cijfers en streepjes; de code verandert later niet.",
    )
    .into_iter()
    .collect();
    fields.push(Field::text("naam", "Naam", &form.naam, ""));
    fields.push(Field::text(
        "beroepsnaam",
        "Beroepsnaam (niet verplicht)",
        form.beroepsnaam.as_deref().unwrap_or_default(),
        "Hoe een geregistreerde heet, zoals in \"uw registratie als internist\". Zonder \
         beroepsnaam noemen berichten het specialisme zelf.",
    ));
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
    let code = item_code(form, code, reference_rules::parse_code, &mut errors);
    let name = reference_rules::parse_text(&form.naam, 2, 200, "de naam")
        .map_err(|m| errors.add("naam", m))
        .ok();
    let practitioner = match form.beroepsnaam.as_deref().map(str::trim) {
        Some(practitioner) if practitioner.chars().count() > 200 => {
            errors.add(
                "beroepsnaam",
                "De beroepsnaam is ten hoogste 200 tekens lang.",
            );
            String::new()
        }
        Some(practitioner) => practitioner.to_owned(),
        None => {
            errors.add(
                "beroepsnaam",
                "Dit veld ontbrak in wat u verstuurde, daarom is er niets gewijzigd. Vul het in, \
                 of laat het leeg als er geen beroepsnaam is.",
            );
            String::new()
        }
    };
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
                practitioner,
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

pub(super) async fn specialties(
    _clerk: RoleUser<Rgs>,
    State(state): State<AppState>,
    layout: Layout,
) -> AppResult<SimplePage> {
    specialties_page(&state, layout, RefForm::default(), FormErrors::new()).await
}

pub(super) async fn add_specialty(
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
        beroepsnaam: Some(specialty.practitioner.clone()),
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

pub(super) async fn specialty(
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

pub(super) async fn save_specialty(
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

pub(super) async fn save_part(
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

pub(super) async fn add_recognition(
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

pub(super) async fn withdraw_recognition(
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

pub(super) async fn link_institute(
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

pub(super) async fn unlink_institute(
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

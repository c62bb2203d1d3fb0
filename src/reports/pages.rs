//! The contactpersoon's register report (docs/domain/reports.md): every aios with a period at their
//! institution on a reference date or in a range, filtered, sorted and paged on screen, and
//! downloadable as CSV (streamed), XLSX and PDF with exactly the report's rows. Another
//! institution answers 404, like every route for anyone who is not its contactpersoon.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use futures_util::StreamExt;
use rules::code::Coded;
use serde_json::json;
use uuid::Uuid;

use crate::platform::audit::Origin;
use crate::platform::audit::{self, AuditEntry, Outcome};
use crate::platform::ids::UserId;
use crate::platform::pdf::Template as PdfTemplate;
use crate::platform::state::AppState;
use crate::reports::register_report::{self, ReportRow};
use crate::web::current_user::{Contactpersoon, RoleUser};
use crate::web::error::{AppError, AppResult};
use crate::web::form::{FormErrors, SelectOption};
use crate::web::layout::Layout;
use rules::person::format_date;
use rules::report::{REPORTED_STATUSES, RawFilter, ReportFilter, Sort};

/// The report routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/contactpersoon", get(start))
        .route("/contactpersoon/instellingen/{id}/rapport", get(report))
        .route("/contactpersoon/instellingen/{id}/rapport.csv", get(csv))
        .route("/contactpersoon/instellingen/{id}/rapport.xlsx", get(xlsx))
        .route("/contactpersoon/instellingen/{id}/rapport.pdf", get(pdf))
}

/// The institution `id` if `user` is its contactpersoon; 404 otherwise.
async fn own_institution(state: &AppState, user: UserId, id: Uuid) -> AppResult<String> {
    register_report::institutions_of(&state.db, user)
        .await?
        .into_iter()
        .find(|(institution, _)| *institution == id)
        .map(|(_, name)| name)
        .ok_or(AppError::NotFound)
}

async fn start(
    user: RoleUser<Contactpersoon>,
    State(state): State<AppState>,
) -> AppResult<Response> {
    match register_report::institutions_of(&state.db, user.id)
        .await?
        .first()
    {
        Some((id, _)) => {
            Ok(Redirect::to(&format!("/contactpersoon/instellingen/{id}/rapport")).into_response())
        }
        None => Err(AppError::NotFound),
    }
}

/// The report page.
#[derive(Template, WebTemplate)]
#[template(path = "reports/report.html")]
pub struct ReportPage {
    layout: Layout,
    institution_id: Uuid,
    institution: String,
    raw: RawFilter,
    range: bool,
    specialties: Vec<SelectOption>,
    statuses: Vec<SelectOption>,
    errors: FormErrors,
    rows: Vec<ReportRow>,
    /// The query string of the filter, for the downloads and the next page.
    query: String,
    /// The address of the next page, if there is one.
    next: Option<String>,
    /// A date in Dutch.
    description: String,
}

impl ReportPage {
    /// A date as the table shows it.
    pub fn date(&self, day: &chrono::NaiveDate) -> String {
        format_date(*day)
    }
}

async fn report(
    user: RoleUser<Contactpersoon>,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    Query(raw): Query<RawFilter>,
    layout: Layout,
) -> AppResult<Response> {
    let institution = own_institution(&state, user.id, id).await?;
    let specialties = crate::trainings::training::specialties(&state.db)
        .await?
        .into_iter()
        .map(|s| SelectOption::new(s.id, s.name))
        .collect();
    let statuses = REPORTED_STATUSES
        .iter()
        .map(|s| SelectOption::new(s.code(), s.label()))
        .collect();
    let mut raw = raw;
    if raw.peildatum.is_empty() && raw.soort != "periode" {
        raw.peildatum = format_date(state.clock.today());
    }
    let range = raw.soort == "periode";
    let mut page = ReportPage {
        layout,
        institution_id: id,
        institution,
        range,
        specialties,
        statuses,
        errors: FormErrors::new(),
        rows: Vec::new(),
        query: String::new(),
        next: None,
        description: String::new(),
        raw,
    };
    let filter = match ReportFilter::parse(&page.raw, state.clock.today()) {
        Ok(filter) => filter,
        Err(errors) => {
            for (field, message) in errors {
                page.errors.add(field, message);
            }
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let cursor = (!page.raw.na.is_empty()).then_some(page.raw.na.as_str());
    let (rows, more) = register_report::page(&state.db, id, &filter, cursor).await?;
    page.query = filter.query();
    page.next = more.then(|| rows.last()).flatten().map(|last| {
        format!(
            "/contactpersoon/instellingen/{id}/rapport?{}&{}",
            page.query,
            url::form_urlencoded::Serializer::new(String::new())
                .append_pair("na", &last.cursor(filter.sort))
                .finish()
        )
    });
    page.description = filter.describe_dates();
    page.rows = rows;
    Ok(page.into_response())
}

/// The institution's name and the filter of a download by `user`, recorded in the audit log;
/// 404 for an institution that is not theirs, a 422 response for a filter that is wrong.
async fn start_download(
    state: &AppState,
    meta: &Origin,
    user: UserId,
    id: Uuid,
    raw: &RawFilter,
    format: &str,
) -> AppResult<Result<(String, ReportFilter), Box<Response>>> {
    let institution = own_institution(state, user, id).await?;
    let filter = match download_filter(state, raw) {
        Ok(filter) => filter,
        Err(response) => return Ok(Err(response)),
    };
    record_download(state, meta, user, id, format, &filter).await?;
    Ok(Ok((institution, filter)))
}

/// The filter of a download, or a 422 that says what is wrong.
fn download_filter(state: &AppState, raw: &RawFilter) -> Result<ReportFilter, Box<Response>> {
    ReportFilter::parse(raw, state.clock.today()).map_err(|errors| {
        let text = errors
            .iter()
            .map(|(_, message)| *message)
            .collect::<Vec<_>>()
            .join(" ");
        Box::new(
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("Het filter van het overzicht klopt niet: {text}"),
            )
                .into_response(),
        )
    })
}

async fn record_download(
    state: &AppState,
    meta: &Origin,
    user: UserId,
    institution: Uuid,
    format: &str,
    filter: &ReportFilter,
) -> AppResult<()> {
    let mut conn = state.db.acquire().await?;
    audit::record(
        &mut conn,
        state.clock.now(),
        meta,
        AuditEntry::new("report.downloaded", Some(user), Outcome::Success)
            .object("institution", institution)
            .details(json!({ "format": format, "filter": filter.query() })),
    )
    .await?;
    Ok(())
}

fn file_name(institution: &str, filter: &ReportFilter, extension: &str) -> String {
    let slug: String = institution
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    // The dates of the report, so that downloads of several dates can stand side by side.
    let dates = if filter.reference_date {
        format!("peildatum-{}", filter.from)
    } else {
        format!("{}-tot-en-met-{}", filter.from, filter.to)
    };
    format!("registeroverzicht-{slug}-{dates}.{extension}")
}

/// Rows written into one chunk of the CSV stream.
const CSV_ROWS_PER_CHUNK: usize = 500;

async fn csv(
    user: RoleUser<Contactpersoon>,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    Query(raw): Query<RawFilter>,
    meta: Origin,
) -> AppResult<Response> {
    let (institution, filter) =
        match start_download(&state, &meta, user.id, id, &raw, "csv").await? {
            Ok(download) => download,
            Err(response) => return Ok(*response),
        };
    let name = file_name(&institution, &filter, "csv");
    // The rows go from the database cursor to the client in chunks, never all in memory; the
    // channel's bound makes a slow client slow the query down.
    let (sender, receiver) = tokio::sync::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(4);
    let db = state.db.clone();
    tokio::spawn(async move {
        let sql = register_report::all_rows_sql(filter.sort);
        let mut tx = match register_report::download_transaction(&db).await {
            Ok(tx) => tx,
            Err(error) => {
                tracing::error!(%error, "the CSV report could not start");
                let _ = sender.send(Err(std::io::Error::other(error))).await;
                return;
            }
        };
        {
            let mut rows = std::pin::pin!(register_report::stream(&mut tx, &sql, id, &filter));
            let mut csv = register_report::CsvWriter::new();
            let mut in_chunk = 0;
            while let Some(row) = rows.next().await {
                match row {
                    Ok(row) => {
                        csv.row(&row);
                        in_chunk += 1;
                        if in_chunk == CSV_ROWS_PER_CHUNK {
                            if sender.send(Ok(csv.take())).await.is_err() {
                                return;
                            }
                            in_chunk = 0;
                        }
                    }
                    Err(error) => {
                        tracing::error!(%error, "the CSV report broke off");
                        let _ = sender.send(Err(std::io::Error::other(error))).await;
                        return;
                    }
                }
            }
            let _ = sender.send(Ok(csv.take())).await;
        }
        // Read only: ending it either way changes nothing.
        let _ = tx.commit().await;
    });
    // Fused: the compression layer polls the body once more after its end, which an unfused
    // `unfold` answers with a panic (the download broke off in every browser).
    let body = futures_util::stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|chunk| (chunk, receiver))
    })
    .fuse();
    Ok((
        crate::web::attachment("text/csv; charset=utf-8", &name),
        Body::from_stream(body),
    )
        .into_response())
}

async fn xlsx(
    user: RoleUser<Contactpersoon>,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    Query(raw): Query<RawFilter>,
    meta: Origin,
) -> AppResult<Response> {
    let (institution, filter) =
        match start_download(&state, &meta, user.id, id, &raw, "xlsx").await? {
            Ok(download) => download,
            Err(response) => return Ok(*response),
        };
    let rows = register_report::all(&state.db, id, &filter).await?;
    let name = file_name(&institution, &filter, "xlsx");
    let bytes =
        crate::web::off_request_thread(move || register_report::xlsx(&rows, &institution, &filter))
            .await?;
    Ok((
        crate::web::attachment(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            &name,
        ),
        bytes,
    )
        .into_response())
}

async fn pdf(
    user: RoleUser<Contactpersoon>,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    Query(raw): Query<RawFilter>,
    meta: Origin,
) -> AppResult<Response> {
    let (institution, filter) =
        match start_download(&state, &meta, user.id, id, &raw, "pdf").await? {
            Ok(download) => download,
            Err(response) => return Ok(*response),
        };
    let rows = register_report::all(&state.db, id, &filter).await?;
    let name = file_name(&institution, &filter, "pdf");
    let mut filter_text = filter.describe_dates();
    if let Some(specialty) = filter.specialty {
        let specialty: Option<String> =
            sqlx::query_scalar!("SELECT name FROM specialties WHERE id = $1", specialty,)
                .fetch_optional(&state.db)
                .await?;
        filter_text.push_str(&format!("; specialisme {}", specialty.unwrap_or_default()));
    }
    if let Some(status) = filter.status {
        filter_text.push_str(&format!("; status {}", status.label()));
    }
    if filter.sort == Sort::Start {
        filter_text.push_str("; op begindatum");
    }
    let created = rules::person::format_moment(state.clock.now());
    let inputs = register_report::pdf_inputs(&rows, &institution, &filter_text, &created);
    let renderer = state.pdf.clone();
    let bytes = crate::web::off_request_thread(move || {
        renderer.render(PdfTemplate::RegisterReport, &inputs)
    })
    .await?;
    Ok((crate::web::attachment("application/pdf", &name), bytes).into_response())
}

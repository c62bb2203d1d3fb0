//! The contactpersoon's register report (docs/domain/reports.md): the periods at one institution
//! that run in the chosen dates, read from the schedule that counts for each training (the last
//! approved version, or the submitted one while none is approved), as a page, CSV, XLSX and PDF.
//! Every format comes from the same query, so the downloads hold exactly the rows of the report.

use crate::platform::db::Stored;
use crate::platform::ids::UserId;
use chrono::NaiveDate;
use futures_util::TryStreamExt;
use rules::code::Coded;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use rules::person::format_date;
use rules::report::{PAGE_SIZE, ReportFilter, Sort, spreadsheet_safe};
use rules::training::RegistrationStatus;

/// One period of one aios at the institution.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ReportRow {
    /// The period's id (the keyset cursor's tie-breaker).
    pub period_id: Uuid,
    /// The aios.
    pub trainee_name: String,
    /// Their BIG-nummer.
    pub big_number: Option<String>,
    /// The specialty.
    pub specialty: String,
    /// The period's label.
    pub label: String,
    /// The part (opleidingsonderdeel) the period belongs to, by its name.
    pub part: String,
    /// First day.
    pub start_date: NaiveDate,
    /// End, exclusive ("tot").
    pub end_date: NaiveDate,
    /// Part-time percentage.
    pub part_time_pct: i16,
    /// The period's opleider, else the oordelend opleider.
    pub opleider: String,
    /// The registration status.
    pub status: Stored<RegistrationStatus>,
}

impl ReportRow {
    /// The status in Dutch.
    pub fn status_label(&self) -> &'static str {
        self.status.0.label()
    }

    /// The period's last day: a report is read, not typed, so it says the end "tot en met"
    /// (docs/domain/trainings.md), in every form of the report.
    pub fn last_day(&self) -> NaiveDate {
        rules::register_entry::last_day(self.end_date)
    }

    /// The keyset cursor after this row for `sort`.
    pub fn cursor(&self, sort: Sort) -> String {
        match sort {
            Sort::Name => format!("{}|{}", self.trainee_name, self.period_id),
            Sort::Start => format!("{}|{}", self.start_date, self.period_id),
        }
    }
}

/// The column headers, in the order of every download.
pub const HEADERS: [&str; 10] = [
    "Naam",
    "BIG-nummer",
    "Specialisme",
    "Periode",
    "Onderdeel",
    "Begindatum",
    "Tot en met",
    "Deeltijd %",
    "Opleider",
    "Status",
];

/// The institutions `user` is contactpersoon of, with their names.
pub async fn institutions_of(
    db: &PgPool,
    user: UserId,
) -> Result<Vec<(Uuid, String)>, sqlx::Error> {
    let rows = sqlx::query!(
        "SELECT i.id, i.name FROM role_assignments r JOIN institutions i ON i.id = r.institution_id
         WHERE r.user_id = $1 AND r.role = 'contactpersoon' ORDER BY i.name",
        user as UserId,
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|row| (row.id, row.name)).collect())
}

/// The report's query; `$1` institution, `$2`/`$3` the range, `$4` specialty, `$5` status,
/// then the cursor.
///
/// One of the few statements built at run time (docs/architecture.md, "Checked SQL"): the user
/// picks the order, and the keyset cursor compares the columns of that order, so each order
/// is its own statement that its index serves (a `CASE` in `ORDER BY` would lose the index).
/// The tests in tests/it/reports.rs run both orders, on screen (with cursors) and downloaded.
fn select(sort: Sort, cursor: bool, limit: bool) -> String {
    let (order, after) = match sort {
        Sort::Name => (
            "ts.trainee_name, p.id",
            "AND (ts.trainee_name, p.id) > ($6::text, $7::uuid)",
        ),
        Sort::Start => (
            "p.start_date, p.id",
            "AND (p.start_date, p.id) > ($6::date, $7::uuid)",
        ),
    };
    // Only the periods of the version that counts (the last approved one, else the submitted
    // one): that is the version a training's summary shows (migration 0015), which also
    // holds the names. An opleider of the period itself stands before the training's; it is
    // looked up per period, as most periods have none: joined, PostgreSQL hashed every user
    // (a million in the benchmark) for the largest institution's report, a third of its time.
    format!(
        "SELECT p.id AS period_id, ts.trainee_name, ts.trainee_big_number AS big_number,
                ts.specialty_name AS specialty, p.label,
                COALESCE((SELECT sp.name FROM specialty_parts sp
                          WHERE sp.specialty_id = ts.specialty_id AND sp.position = p.part),
                         '') AS part,
                p.start_date, p.end_date,
                p.part_time_pct,
                COALESCE((SELECT po.full_name FROM users po WHERE po.id = p.supervisor_id),
                         ts.supervisor_name) AS opleider,
                ts.status
         FROM schedule_periods p
         JOIN training_summaries ts ON ts.shown_version_id = p.version_id
         WHERE p.institution_id = $1 AND p.start_date <= $3 AND p.end_date > $2
           AND ts.status NOT IN ('concept', 'afgekeurd')
           AND ($4::uuid IS NULL OR ts.specialty_id = $4)
           AND ($5::text IS NULL OR ts.status = $5)
           {}
         ORDER BY {order}{}",
        if cursor { after } else { "" },
        if limit { " LIMIT $8" } else { "" },
    )
}

/// One page of the report: at most [`PAGE_SIZE`] rows after `cursor`, and whether more follow.
pub async fn page(
    db: &PgPool,
    institution: Uuid,
    filter: &ReportFilter,
    cursor: Option<&str>,
) -> Result<(Vec<ReportRow>, bool), sqlx::Error> {
    let cursor = cursor
        .and_then(|c| c.rsplit_once('|'))
        .and_then(|(key, id)| {
            let id = Uuid::parse_str(id).ok()?;
            match filter.sort {
                Sort::Name => Some((key.to_owned(), id)),
                Sort::Start => NaiveDate::parse_from_str(key, "%Y-%m-%d")
                    .ok()
                    .map(|_| (key.to_owned(), id)),
            }
        });
    let sql = if cursor.is_some() {
        select(filter.sort, true, true)
    } else {
        // Without a cursor the placeholders $6 and $7 are absent: LIMIT becomes $6.
        select(filter.sort, false, false) + " LIMIT $6"
    };
    let query = sqlx::query_as::<_, ReportRow>(&sql)
        .bind(institution)
        .bind(filter.from)
        .bind(filter.to)
        .bind(filter.specialty)
        .bind(filter.status.map(|s| s.code()));
    let mut rows = match &cursor {
        Some((key, id)) => {
            let query = match filter.sort {
                Sort::Name => query.bind(key.clone()),
                Sort::Start => query.bind(
                    NaiveDate::parse_from_str(key, "%Y-%m-%d")
                        .map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
                ),
            };
            query.bind(*id).bind(PAGE_SIZE + 1).fetch_all(db).await?
        }
        None => query.bind(PAGE_SIZE + 1).fetch_all(db).await?,
    };
    let more = rows.len() as i64 > PAGE_SIZE;
    rows.truncate(PAGE_SIZE as usize);
    Ok((rows, more))
}

/// A read-only transaction for a whole report, with room to sort the largest institution's
/// rows in memory rather than on disk, and without JIT compilation: PostgreSQL spent 150 to
/// 200 ms compiling the largest report's query, and runs with and without JIT did not differ
/// beyond this machine's noise (1.6 to 2.5 s either way), so the compiling is not worth it.
/// One round trip: the settings go with the `BEGIN`.
pub async fn download_transaction(
    db: &PgPool,
) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, sqlx::Error> {
    db.begin_with("BEGIN READ ONLY; SET LOCAL work_mem = '64MB'; SET LOCAL jit = off")
        .await
}

/// Every row of the report, as a stream straight from the database (for the CSV).
pub fn stream<'a>(
    conn: &'a mut PgConnection,
    sql: &'a str,
    institution: Uuid,
    filter: &'a ReportFilter,
) -> impl futures_util::Stream<Item = Result<ReportRow, sqlx::Error>> + 'a {
    sqlx::query_as::<_, ReportRow>(sql)
        .bind(institution)
        .bind(filter.from)
        .bind(filter.to)
        .bind(filter.specialty)
        .bind(filter.status.map(|s| s.code()))
        .fetch(conn)
}

/// The SQL of the whole report (no page).
pub fn all_rows_sql(sort: Sort) -> String {
    select(sort, false, false)
}

/// Every row of the report, collected (for the XLSX and the PDF).
pub async fn all(
    db: &PgPool,
    institution: Uuid,
    filter: &ReportFilter,
) -> Result<Vec<ReportRow>, sqlx::Error> {
    let sql = all_rows_sql(filter.sort);
    let mut tx = download_transaction(db).await?;
    let rows = stream(&mut tx, &sql, institution, filter)
        .try_collect()
        .await?;
    tx.commit().await?;
    Ok(rows)
}

/// The report as CSV, written row by row into one buffer that the caller takes in chunks:
/// `;`-separated, CRLF line ends, and a UTF-8 byte order mark so Dutch Excel reads it as
/// UTF-8.
pub struct CsvWriter {
    writer: csv::Writer<Vec<u8>>,
}

impl CsvWriter {
    /// A writer that holds the byte order mark and the header line.
    pub fn new() -> Self {
        let mut writer = Self::writer("\u{feff}".as_bytes().to_vec());
        // Writing into a Vec cannot fail.
        let _ = writer.write_record(HEADERS);
        Self { writer }
    }

    fn writer(buffer: Vec<u8>) -> csv::Writer<Vec<u8>> {
        csv::WriterBuilder::new()
            .delimiter(b';')
            .terminator(csv::Terminator::CRLF)
            .from_writer(buffer)
    }

    /// Adds the line of `row`.
    pub fn row(&mut self, row: &ReportRow) {
        let start = format_date(row.start_date);
        let end = format_date(row.last_day());
        let pct = row.part_time_pct.to_string();
        // Writing into a Vec cannot fail.
        let _ = self.writer.write_record([
            spreadsheet_safe(&row.trainee_name).as_ref(),
            row.big_number.as_deref().unwrap_or(""),
            spreadsheet_safe(&row.specialty).as_ref(),
            spreadsheet_safe(&row.label).as_ref(),
            spreadsheet_safe(&row.part).as_ref(),
            &start,
            &end,
            &pct,
            spreadsheet_safe(&row.opleider).as_ref(),
            row.status_label(),
        ]);
    }

    /// The bytes written since the last call.
    pub fn take(&mut self) -> Vec<u8> {
        let full = std::mem::replace(&mut self.writer, Self::writer(Vec::new()));
        // Flushing into a Vec cannot fail.
        full.into_inner().unwrap_or_default()
    }
}

impl Default for CsvWriter {
    fn default() -> Self {
        Self::new()
    }
}

/// The report as an XLSX workbook: a frozen header row, dates and percentages as typed cells,
/// columns fitted to their contents.
pub fn xlsx(
    rows: &[ReportRow],
    institution: &str,
    filter: &ReportFilter,
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Register")?;
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format("dd-mm-yyyy");
    for (col, header) in HEADERS.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, *header, &bold)?;
    }
    for (i, row) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        sheet.write_string(r, 0, spreadsheet_safe(&row.trainee_name))?;
        sheet.write_string(r, 1, row.big_number.as_deref().unwrap_or(""))?;
        sheet.write_string(r, 2, spreadsheet_safe(&row.specialty))?;
        sheet.write_string(r, 3, spreadsheet_safe(&row.label))?;
        sheet.write_string(r, 4, spreadsheet_safe(&row.part))?;
        for (col, day) in [(5u16, row.start_date), (6, row.last_day())] {
            let value = ExcelDateTime::from_ymd(
                u16::try_from(chrono::Datelike::year(&day)).unwrap_or(1900),
                chrono::Datelike::month(&day) as u8,
                chrono::Datelike::day(&day) as u8,
            )?;
            sheet.write_datetime_with_format(r, col, &value, &date)?;
        }
        sheet.write_number(r, 7, f64::from(row.part_time_pct))?;
        sheet.write_string(r, 8, spreadsheet_safe(&row.opleider))?;
        sheet.write_string(r, 9, row.status_label())?;
    }
    sheet.set_freeze_panes(1, 0)?;
    // A filter button on every column, as a spreadsheet user expects of a list.
    sheet.autofilter(0, 0, rows.len() as u32, (HEADERS.len() - 1) as u16)?;
    sheet.autofit();
    workbook.set_properties(
        &rust_xlsxwriter::DocProperties::new()
            .set_title(format!("Registeroverzicht {institution}"))
            .set_comment(filter.describe_dates()),
    );
    workbook.save_to_buffer()
}

/// What the report PDF prints.
pub fn pdf_inputs(
    rows: &[ReportRow],
    institution: &str,
    filter_text: &str,
    created: &str,
) -> serde_json::Value {
    serde_json::json!({
        "title": format!("Registeroverzicht {institution}"),
        "filter": filter_text,
        "created": created,
        "headers": HEADERS,
        "rows": rows.iter().map(|row| {
            vec![
                row.trainee_name.clone(),
                row.big_number.clone().unwrap_or_default(),
                row.specialty.clone(),
                row.label.clone(),
                row.part.clone(),
                format_date(row.start_date),
                format_date(row.last_day()),
                format!("{} %", row.part_time_pct),
                row.opleider.clone(),
                row.status_label().to_owned(),
            ]
        }).collect::<Vec<_>>(),
    })
}

//! The contactpersoon's register report (docs/domain/reports.md): which periods it covers, how it
//! is filtered and sorted, and how the filter reads in Dutch. Pure; the database layer turns a
//! [`ReportFilter`] into one query.

use crate::code::Coded;
use chrono::NaiveDate;

use crate::person::{format_date, parse_date};
use crate::training::RegistrationStatus;

/// Rows per page on screen.
pub const PAGE_SIZE: i64 = 50;

/// The statuses a report can show: a concept or a rejected first schedule has no effect.
pub const REPORTED_STATUSES: [RegistrationStatus; 7] = [
    RegistrationStatus::Submitted,
    RegistrationStatus::Approved,
    RegistrationStatus::Registered,
    RegistrationStatus::RegisteredPendingPayment,
    RegistrationStatus::Completed,
    RegistrationStatus::Ended,
    RegistrationStatus::StruckOff,
];

/// How the rows are ordered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sort {
    /// By the aios's name.
    Name,
    /// By the period's start date.
    Start,
}

impl Sort {
    /// The code in the address.
    pub fn code(self) -> &'static str {
        match self {
            Sort::Name => "naam",
            Sort::Start => "begindatum",
        }
    }
}

/// What the report covers: the periods at the institution that run on a day of `from..=to`
/// (a reference date is a range of one day), optionally of one specialty and one status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportFilter {
    /// First day of the range.
    pub from: NaiveDate,
    /// Last day of the range (inclusive).
    pub to: NaiveDate,
    /// Whether a single reference date was asked for.
    pub reference_date: bool,
    /// Only this specialty (its id, as text from the form).
    pub specialty: Option<uuid::Uuid>,
    /// Only this registration status.
    pub status: Option<RegistrationStatus>,
    /// The order.
    pub sort: Sort,
}

/// The form as typed (query string).
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct RawFilter {
    /// `peildatum` or `periode`.
    #[serde(default)]
    pub soort: String,
    /// The reference date.
    #[serde(default)]
    pub peildatum: String,
    /// Range start.
    #[serde(default)]
    pub van: String,
    /// Range end.
    #[serde(default)]
    pub tot: String,
    /// Specialty id or empty.
    #[serde(default)]
    pub specialisme: String,
    /// Status code or empty.
    #[serde(default)]
    pub status: String,
    /// `naam` or `begindatum`.
    #[serde(default)]
    pub sorteer: String,
    /// Keyset cursor: after this row.
    #[serde(default)]
    pub na: String,
}

/// The longest range a report may span, in days (ten years).
pub const MAX_RANGE_DAYS: i64 = 3660;

impl ReportFilter {
    /// Reads the form; an empty form means "today". Errors name the field and say what to do.
    pub fn parse(
        raw: &RawFilter,
        today: NaiveDate,
    ) -> Result<Self, Vec<(&'static str, &'static str)>> {
        let mut errors = Vec::new();
        let range = raw.soort == "periode";
        let (from, to) = if range {
            let from = parse_date(&raw.van)
                .map_err(|m| errors.push(("van", m)))
                .ok();
            let to = parse_date(&raw.tot)
                .map_err(|m| errors.push(("tot", m)))
                .ok();
            match (from, to) {
                (Some(from), Some(to)) if to < from => {
                    errors.push(("tot", "De einddatum ligt voor de begindatum."));
                    (from, to)
                }
                (Some(from), Some(to)) if (to - from).num_days() > MAX_RANGE_DAYS => {
                    errors.push(("tot", "Kies een periode van hoogstens tien jaar."));
                    (from, to)
                }
                (Some(from), Some(to)) => (from, to),
                _ => (today, today),
            }
        } else if raw.peildatum.trim().is_empty() {
            (today, today)
        } else {
            match parse_date(&raw.peildatum) {
                Ok(date) => (date, date),
                Err(message) => {
                    errors.push(("peildatum", message));
                    (today, today)
                }
            }
        };
        let specialty = if raw.specialisme.is_empty() {
            None
        } else {
            match uuid::Uuid::parse_str(&raw.specialisme) {
                Ok(id) => Some(id),
                Err(_) => {
                    errors.push(("specialisme", "Kies een specialisme uit de lijst."));
                    None
                }
            }
        };
        let status = if raw.status.is_empty() {
            None
        } else {
            match RegistrationStatus::from_code(&raw.status)
                .filter(|s| REPORTED_STATUSES.contains(s))
            {
                Some(status) => Some(status),
                None => {
                    errors.push(("status", "Kies een status uit de lijst."));
                    None
                }
            }
        };
        let sort = if raw.sorteer == "begindatum" {
            Sort::Start
        } else {
            Sort::Name
        };
        if errors.is_empty() {
            Ok(Self {
                from,
                to,
                reference_date: !range,
                specialty,
                status,
                sort,
            })
        } else {
            Err(errors)
        }
    }

    /// Whether a period `[start, end)` (end exclusive, as in the schedule) runs on a day of
    /// the report's range.
    pub fn covers(&self, start: NaiveDate, end: NaiveDate) -> bool {
        start <= self.to && end > self.from
    }

    /// The date part of the filter in Dutch, printed on every download.
    pub fn describe_dates(&self) -> String {
        if self.reference_date {
            format!("Peildatum {}", format_date(self.from))
        } else {
            format!(
                "Periode {} tot en met {}",
                format_date(self.from),
                format_date(self.to)
            )
        }
    }

    /// The query string that reproduces this filter (for links and downloads).
    pub fn query(&self) -> String {
        let mut pairs = if self.reference_date {
            vec![
                ("soort", "peildatum".to_owned()),
                ("peildatum", format_date(self.from)),
            ]
        } else {
            vec![
                ("soort", "periode".to_owned()),
                ("van", format_date(self.from)),
                ("tot", format_date(self.to)),
            ]
        };
        if let Some(specialty) = self.specialty {
            pairs.push(("specialisme", specialty.to_string()));
        }
        if let Some(status) = self.status {
            pairs.push(("status", status.code().to_owned()));
        }
        pairs.push(("sorteer", self.sort.code().to_owned()));
        url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish()
    }
}

/// Makes a text safe for a spreadsheet cell: a leading `=`, `+`, `-`, `@`, tab or carriage
/// return would be read as a formula (CSV injection), so it gets a leading apostrophe.
pub fn spreadsheet_safe(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{text}"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn raw(pairs: &[(&str, &str)]) -> RawFilter {
        let mut raw = RawFilter::default();
        for (k, v) in pairs {
            let v = (*v).to_owned();
            match *k {
                "soort" => raw.soort = v,
                "peildatum" => raw.peildatum = v,
                "van" => raw.van = v,
                "tot" => raw.tot = v,
                "specialisme" => raw.specialisme = v,
                "status" => raw.status = v,
                "sorteer" => raw.sorteer = v,
                _ => {}
            }
        }
        raw
    }

    #[test]
    fn an_empty_form_reports_on_today() {
        let filter = ReportFilter::parse(&RawFilter::default(), day(2026, 11, 22)).unwrap();
        assert_eq!(
            (filter.from, filter.to),
            (day(2026, 11, 22), day(2026, 11, 22))
        );
        assert!(filter.reference_date);
        assert_eq!(filter.describe_dates(), "Peildatum 22-11-2026");
    }

    #[test]
    fn a_reference_date_covers_the_periods_running_that_day_with_exclusive_ends() {
        let filter =
            ReportFilter::parse(&raw(&[("peildatum", "01-01-2028")]), day(2026, 1, 1)).unwrap();
        assert!(filter.covers(day(2027, 1, 1), day(2028, 1, 2)));
        assert!(
            filter.covers(day(2028, 1, 1), day(2028, 6, 1)),
            "starts that day"
        );
        assert!(
            !filter.covers(day(2027, 1, 1), day(2028, 1, 1)),
            "ended the day before"
        );
        assert!(
            !filter.covers(day(2028, 1, 2), day(2029, 1, 1)),
            "starts later"
        );
    }

    #[test]
    fn a_range_covers_periods_that_cross_either_edge() {
        let filter = ReportFilter::parse(
            &raw(&[
                ("soort", "periode"),
                ("van", "01-03-2027"),
                ("tot", "31-03-2027"),
            ]),
            day(2026, 1, 1),
        )
        .unwrap();
        assert!(
            filter.covers(day(2026, 1, 1), day(2027, 3, 2)),
            "crosses the start"
        );
        assert!(
            filter.covers(day(2027, 3, 31), day(2028, 1, 1)),
            "crosses the end"
        );
        assert!(filter.covers(day(2026, 1, 1), day(2030, 1, 1)), "spans it");
        assert!(!filter.covers(day(2026, 1, 1), day(2027, 3, 1)));
        assert!(!filter.covers(day(2027, 4, 1), day(2028, 1, 1)));
        assert_eq!(
            filter.describe_dates(),
            "Periode 01-03-2027 tot en met 31-03-2027"
        );
    }

    #[test]
    fn bad_input_is_refused_field_by_field_in_dutch() {
        let errors = ReportFilter::parse(
            &raw(&[
                ("soort", "periode"),
                ("van", "30-02-2027"),
                ("tot", "morgen"),
                ("specialisme", "igt"),
                ("status", "concept"),
            ]),
            day(2026, 1, 1),
        )
        .unwrap_err();
        let fields: Vec<_> = errors.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ["van", "tot", "specialisme", "status"]);
        let errors = ReportFilter::parse(
            &raw(&[
                ("soort", "periode"),
                ("van", "01-03-2027"),
                ("tot", "01-02-2027"),
            ]),
            day(2026, 1, 1),
        )
        .unwrap_err();
        assert_eq!(errors, [("tot", "De einddatum ligt voor de begindatum.")]);
    }

    #[test]
    fn the_query_string_reproduces_the_filter() {
        let today = day(2026, 1, 1);
        let filter = ReportFilter::parse(
            &raw(&[
                ("soort", "periode"),
                ("van", "01-03-2027"),
                ("tot", "31-03-2027"),
                ("status", "ingeschreven"),
                ("sorteer", "begindatum"),
            ]),
            today,
        )
        .unwrap();
        let query = filter.query();
        let parsed: RawFilter = serde_urlencoded_like(&query);
        assert_eq!(ReportFilter::parse(&parsed, today).unwrap(), filter);
    }

    fn serde_urlencoded_like(query: &str) -> RawFilter {
        let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
        let borrowed: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        raw(&borrowed)
    }

    #[test]
    fn spreadsheet_formulas_are_defused() {
        assert_eq!(spreadsheet_safe("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(spreadsheet_safe("+31 6"), "'+31 6");
        assert_eq!(spreadsheet_safe("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(spreadsheet_safe("Anna de Vries"), "Anna de Vries");
    }
}

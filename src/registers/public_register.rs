//! The public register lookup (docs/domain/registers.md): by name or BIG-nummer, optionally
//! within one specialty, showing only the name, the BIG-nummer (public in the BIG-register
//! too), the register, the start and end date and the status. Never private data: the queries
//! below select nothing else. A name is searched word by word, in any order, through the
//! trigram index on the entries' names (kept equal to the users' names by the database), a
//! BIG-nummer through its unique index, so no search scans a table.

use sqlx::PgPool;
use uuid::Uuid;

use crate::registers::entries::Standing;

/// Results per page.
pub const PAGE_SIZE: i64 = 20;
/// The last page that may be asked for.
pub const MAX_PAGE: i64 = 50;
/// The fewest characters of a name search.
pub const MIN_NAME_CHARS: usize = 3;

/// The most words of a name that are searched for.
pub const MAX_WORDS: usize = 5;

/// What is searched for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Search {
    /// Words of a name, in any order: one `LIKE` pattern on the lower-case name per word.
    Name(Vec<String>),
    /// A BIG-nummer (11 digits).
    Big(String),
}

/// Reads what a visitor typed: 11 digits (spaces allowed) are a BIG-nummer, anything else is
/// parts of a name, each word found anywhere in the name whatever their order ("amrani
/// karim" finds Karim El Amrani), with at least one word of [`MIN_NAME_CHARS`] characters.
/// `None` for an empty search; an error message in Dutch for one that cannot be searched.
pub fn parse_search(typed: &str) -> Result<Option<Search>, String> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Ok(None);
    }
    let digits: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.chars().all(|c| c.is_ascii_digit()) {
        return if digits.len() == 11 {
            Ok(Some(Search::Big(digits)))
        } else {
            Err("Een BIG-nummer heeft 11 cijfers.".to_owned())
        };
    }
    if typed.chars().count() > 100 {
        return Err("Vul hoogstens 100 tekens in.".to_owned());
    }
    match rules::person::name_patterns(typed, MIN_NAME_CHARS, MAX_WORDS) {
        Ok(patterns) => Ok(Some(Search::Name(patterns))),
        Err(rules::person::NameSearchError::TooShort(_)) => Err(format!(
            "Vul minstens {MIN_NAME_CHARS} letters van de naam in, of een BIG-nummer van 11 cijfers."
        )),
        Err(error) => Err(error.to_string()),
    }
}

/// One line of the public register: a name, a register and where the entry stands.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PublicEntry {
    /// The registered person's name.
    pub name: String,
    /// Their BIG-nummer, when known.
    pub big_number: Option<String>,
    /// The specialty or profile.
    pub specialty_name: String,
    /// The register, the dates and the status.
    #[sqlx(flatten)]
    pub standing: Standing,
}

impl std::ops::Deref for PublicEntry {
    type Target = Standing;

    fn deref(&self) -> &Standing {
        &self.standing
    }
}

// The BIG-nummer is read per row shown, through the primary key of personal_details, after
// the sort and the limit: a join would read it for every match of a common name.
const SELECT: &str = "SELECT e.name,
        (SELECT d.big_number FROM personal_details d WHERE d.user_id = e.user_id) AS big_number,
        s.name AS specialty_name, s.register, e.registered_on, e.ends_on, e.status
        FROM register_entries e JOIN specialties s ON s.id = e.specialty_id";

/// The SQL of `search` within `specialty` (for the EXPLAIN test): its text and its text
/// parameters, bound first; then the limit, the offset and, with a specialty, its id.
///
/// One of the few statements built at run time (docs/architecture.md, "Checked SQL"): the test
/// in tests/it/public_register.rs asks PostgreSQL to EXPLAIN this very text, to prove that
/// each kind of search is served by an index and never scans a table; a `query!` literal
/// would be a second copy of the text that the test could not see. A name search has one
/// condition per word, not `LIKE ALL (array)`, which the trigram index cannot serve.
pub fn sql(search: &Search, specialty: Option<Uuid>) -> (String, Vec<&str>) {
    let (mut sql, texts): (String, Vec<&str>) = match search {
        Search::Name(patterns) => {
            let conditions: Vec<String> = (1..=patterns.len())
                .map(|n| format!("lower(e.name) LIKE ${n}"))
                .collect();
            (
                format!("{SELECT} WHERE {}", conditions.join(" AND ")),
                patterns.iter().map(String::as_str).collect(),
            )
        }
        Search::Big(big) => (
            format!(
                "{SELECT} JOIN personal_details p ON p.user_id = e.user_id
                 WHERE p.big_number = $1"
            ),
            vec![big.as_str()],
        ),
    };
    let n = texts.len();
    if specialty.is_some() {
        sql.push_str(&format!(" AND e.specialty_id = ${}", n + 3));
    }
    let order = match search {
        Search::Name(_) => "e.name, e.id",
        Search::Big(_) => "s.name, e.id",
    };
    sql.push_str(&format!(
        " ORDER BY {order} LIMIT ${} OFFSET ${}",
        n + 1,
        n + 2
    ));
    (sql, texts)
}

/// Page `page` (1-based) of the entries found by `search` within `specialty`, and whether
/// there is a next page.
pub async fn find(
    db: &PgPool,
    search: &Search,
    specialty: Option<Uuid>,
    page: i64,
) -> Result<(Vec<PublicEntry>, bool), sqlx::Error> {
    let (sql, texts) = sql(search, specialty);
    let page = page.clamp(1, MAX_PAGE);
    let mut query = sqlx::query_as(&sql);
    for text in texts {
        query = query.bind(text);
    }
    query = query.bind(PAGE_SIZE + 1).bind((page - 1) * PAGE_SIZE);
    if let Some(specialty) = specialty {
        query = query.bind(specialty);
    }
    let mut rows: Vec<PublicEntry> = query.fetch_all(db).await?;
    let more = rows.len() > usize::try_from(PAGE_SIZE).unwrap_or(20);
    rows.truncate(usize::try_from(PAGE_SIZE).unwrap_or(20));
    Ok((rows, more && page < MAX_PAGE))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eleven_digits_are_a_big_nummer_and_other_text_part_of_a_name() {
        assert_eq!(parse_search("  "), Ok(None));
        assert_eq!(
            parse_search("190 123 456 01"),
            Ok(Some(Search::Big("19012345601".to_owned())))
        );
        assert!(parse_search("1901234").is_err());
        assert!(parse_search("el").is_err());
        assert_eq!(
            parse_search("El Amrani"),
            Ok(Some(Search::Name(vec![
                "%el%".to_owned(),
                "%amrani%".to_owned()
            ])))
        );
        assert!(parse_search(&"a".repeat(101)).is_err());
    }

    #[test]
    fn a_name_is_searched_word_by_word_in_any_order_with_one_word_long_enough() {
        let words = |typed: &str| match parse_search(typed) {
            Ok(Some(Search::Name(patterns))) => patterns,
            other => panic!("{typed}: {other:?}"),
        };
        assert_eq!(words("karim amrani"), ["%karim%", "%amrani%"]);
        assert_eq!(words("Amrani  Karim "), ["%amrani%", "%karim%"]);
        assert_eq!(words("jansen jansen"), ["%jansen%"], "a word once");
        assert!(parse_search("el de").is_err(), "no word of three letters");
        assert!(parse_search("a b c d e fgh").is_err(), "six words");
        assert!(parse_search("de jansen").is_ok());
    }

    #[test]
    fn the_sql_has_one_condition_per_word_and_numbers_its_parameters_in_binding_order() {
        let search = Search::Name(vec!["%karim%".into(), "%amrani%".into()]);
        let (text, texts) = sql(&search, Some(Uuid::nil()));
        assert_eq!(texts, ["%karim%", "%amrani%"]);
        assert!(
            text.contains("lower(e.name) LIKE $1 AND lower(e.name) LIKE $2"),
            "{text}"
        );
        assert!(text.contains("e.specialty_id = $5"), "{text}");
        assert!(text.ends_with("LIMIT $3 OFFSET $4"), "{text}");
        let (text, _) = sql(&Search::Big("19012345601".into()), None);
        assert!(text.contains("p.big_number = $1"), "{text}");
        assert!(text.ends_with("LIMIT $2 OFFSET $3"), "{text}");
        assert!(!text.contains("e.specialty_id = $"), "{text}");
    }

    #[test]
    fn like_wildcards_in_a_name_search_are_taken_literally() {
        assert_eq!(
            parse_search("50%_a\\b"),
            Ok(Some(Search::Name(vec!["%50\\%\\_a\\\\b%".to_owned()])))
        );
    }
}

//! The public register lookup (docs/domain/registers.md): by name or BIG-nummer, showing only the
//! name, the register, the start and end date and the status. Never private data: the queries below
//! select nothing else. A name is searched through the trigram index on the entries' names (kept
//! equal to the users' names by the database), a BIG-nummer through its unique index, so no search
//! scans a table.

use sqlx::PgPool;

use crate::registers::entries::Standing;

/// Results per page.
pub const PAGE_SIZE: i64 = 20;
/// The last page that may be asked for.
pub const MAX_PAGE: i64 = 50;
/// The fewest characters of a name search.
pub const MIN_NAME_CHARS: usize = 3;

/// What is searched for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Search {
    /// Part of a name, as a `LIKE` pattern on the lower-case name.
    Name(String),
    /// A BIG-nummer (11 digits).
    Big(String),
}

/// Reads what a visitor typed: 11 digits (spaces allowed) are a BIG-nummer, anything else is
/// part of a name of at least [`MIN_NAME_CHARS`] characters. `None` for an empty search; an
/// error message in Dutch for one that cannot be searched.
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
    let count = typed.chars().count();
    if count < MIN_NAME_CHARS {
        return Err(format!(
            "Vul minstens {MIN_NAME_CHARS} letters van de naam in, of een BIG-nummer van 11 cijfers."
        ));
    }
    if count > 100 {
        return Err("Vul hoogstens 100 tekens in.".to_owned());
    }
    let mut pattern = String::from("%");
    for c in typed.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    Ok(Some(Search::Name(pattern)))
}

/// One line of the public register: a name, a register and where the entry stands.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PublicEntry {
    /// The registered person's name.
    pub name: String,
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

const SELECT: &str = "SELECT e.name, s.name AS specialty_name, s.register, e.registered_on,
        e.ends_on, e.status
        FROM register_entries e JOIN specialties s ON s.id = e.specialty_id";

/// The SQL of `search` (for the EXPLAIN test): its text and its one text parameter.
///
/// One of the few statements built at run time (docs/architecture.md, "Checked SQL"): the test
/// in tests/it/public_register.rs asks PostgreSQL to EXPLAIN this very text, to prove that
/// each kind of search is served by an index and never scans a table; a `query!` literal
/// would be a second copy of the text that the test could not see.
pub fn sql(search: &Search) -> (String, &str) {
    match search {
        Search::Name(pattern) => (
            format!(
                "{SELECT} WHERE lower(e.name) LIKE $1 ORDER BY e.name, e.id LIMIT $2 OFFSET $3"
            ),
            pattern,
        ),
        Search::Big(big) => (
            format!(
                "{SELECT} JOIN personal_details p ON p.user_id = e.user_id
                 WHERE p.big_number = $1 ORDER BY s.name, e.id LIMIT $2 OFFSET $3"
            ),
            big,
        ),
    }
}

/// Page `page` (1-based) of the entries found by `search`, and whether there is a next page.
pub async fn find(
    db: &PgPool,
    search: &Search,
    page: i64,
) -> Result<(Vec<PublicEntry>, bool), sqlx::Error> {
    let (sql, parameter) = sql(search);
    let page = page.clamp(1, MAX_PAGE);
    let mut rows: Vec<PublicEntry> = sqlx::query_as(&sql)
        .bind(parameter)
        .bind(PAGE_SIZE + 1)
        .bind((page - 1) * PAGE_SIZE)
        .fetch_all(db)
        .await?;
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
            Ok(Some(Search::Name("%el amrani%".to_owned())))
        );
        assert!(parse_search(&"a".repeat(101)).is_err());
    }

    #[test]
    fn like_wildcards_in_a_name_search_are_taken_literally() {
        assert_eq!(
            parse_search("50%_a\\b"),
            Ok(Some(Search::Name("%50\\%\\_a\\\\b%".to_owned())))
        );
    }
}

//! Basisgegevens (docs/domain/accounts.md): the personal data an aios keeps, parsed at the edge,
//! and the check that says what is still missing before a training can be created.

use chrono::{Datelike, NaiveDate};

/// A BIG-nummer: exactly 11 digits (spaces and dots as typed are ignored).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BigNumber(String);

impl BigNumber {
    /// Parses a BIG-nummer, or says in Dutch what to change.
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let digits: String = raw
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '.')
            .collect();
        if digits.is_empty() {
            return Err("Vul uw BIG-nummer in.");
        }
        if digits.len() != 11 || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err("Een BIG-nummer bestaat uit precies 11 cijfers, zoals 19012345601.");
        }
        Ok(Self(digits))
    }

    /// The 11 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Parses a date as Dutch users type it: `dd-mm-jjjj` (also with `/` or `.`, and one-digit
/// day or month) or the ISO form `jjjj-mm-dd`. Says in Dutch what is wrong, including for a
/// date that does not exist, such as 30-02-2026.
pub fn parse_date(raw: &str) -> Result<NaiveDate, &'static str> {
    let value = raw.trim();
    if value.is_empty() {
        return Err("Vul een datum in, zoals 01-09-2026.");
    }
    let parts: Vec<&str> = value.split(['-', '/', '.']).collect();
    let numbers: Option<Vec<u32>> = parts
        .iter()
        .map(|p| {
            (!p.is_empty() && p.len() <= 4 && p.chars().all(|c| c.is_ascii_digit()))
                .then(|| p.parse().ok())
                .flatten()
        })
        .collect();
    let Some(numbers) = numbers.filter(|n| n.len() == 3) else {
        return Err("Vul de datum in als dag-maand-jaar, zoals 01-09-2026.");
    };
    let (day, month, year) = if parts[0].len() == 4 {
        (numbers[2], numbers[1], numbers[0])
    } else if parts[2].len() == 4 {
        (numbers[0], numbers[1], numbers[2])
    } else {
        return Err("Vul het jaar met vier cijfers in, zoals 01-09-2026.");
    };
    if !(1900..=2100).contains(&year) {
        return Err("Vul een jaar tussen 1900 en 2100 in.");
    }
    NaiveDate::from_ymd_opt(year as i32, month, day)
        .ok_or("Deze datum bestaat niet. Controleer de dag en de maand.")
}

/// A date the Dutch way, as every page, mail, PDF and form shows it: 01-09-2026. The one
/// date formatter of the portal.
pub fn format_date(date: NaiveDate) -> String {
    date.format("%d-%m-%Y").to_string()
}

/// A moment in Dutch time, to the minute: 22-11-2026 14:05.
pub fn format_moment(at: chrono::DateTime<chrono::Utc>) -> String {
    at.with_timezone(&chrono_tz::Europe::Amsterdam)
        .format("%d-%m-%Y %H:%M")
        .to_string()
}

/// The words of a name search as `LIKE` patterns on a lower-case name, one per word and each
/// found anywhere in the name, so that the words match in any order ("amrani karim" finds
/// Karim El Amrani): lower-cased, each word once, `%`, `_` and `\` taken literally. At least
/// one word must have `min_chars` characters (a trigram index needs three) and there are at
/// most `max_words`.
pub fn name_patterns(
    typed: &str,
    min_chars: usize,
    max_words: usize,
) -> Result<Vec<String>, NameSearchError> {
    let lower = typed.to_lowercase();
    let mut words: Vec<&str> = Vec::new();
    for word in lower.split_whitespace() {
        if !words.contains(&word) {
            words.push(word);
        }
    }
    if !words.iter().any(|w| w.chars().count() >= min_chars) {
        return Err(NameSearchError::TooShort(min_chars));
    }
    if words.len() > max_words {
        return Err(NameSearchError::TooManyWords(max_words));
    }
    Ok(words
        .into_iter()
        .map(|word| {
            let mut pattern = String::from("%");
            for c in word.chars() {
                if matches!(c, '%' | '_' | '\\') {
                    pattern.push('\\');
                }
                pattern.push(c);
            }
            pattern.push('%');
            pattern
        })
        .collect())
}

/// Why a name search cannot be searched, in Dutch.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NameSearchError {
    /// No word has the fewest characters (the number).
    #[error("Vul minstens {0} letters van de naam in.")]
    TooShort(usize),
    /// More words than the most (the number).
    #[error("Zoek met hoogstens {0} woorden van de naam.")]
    TooManyWords(usize),
}

/// Academic and professional titles that may stand before a name, as written in a greeting.
const TITLES: [&str; 6] = ["prof.", "dr.", "mr.", "drs.", "ir.", "ing."];

/// How a mail addresses `full_name` after "Beste": a person with a title by the title and the
/// surname, as Dutch letters do ("Dr. Karim El Amrani" → "dr. El Amrani", "Prof. dr. A.M. de
/// Vries" → "prof. dr. De Vries", the tussenvoegsel capitalised because no given name precedes
/// it); anyone else by the full name ("Anna de Vries"). The surname is what follows the
/// initials, or else the first given name; a title with one word after it keeps that word.
/// Takes the name by any reference, as templates hand it.
pub fn addressed(full_name: impl AsRef<str>) -> String {
    let words: Vec<&str> = full_name.as_ref().split_whitespace().collect();
    let titles: Vec<&str> = words
        .iter()
        .map_while(|word| {
            let bare = word.trim_end_matches('.').to_lowercase();
            TITLES
                .iter()
                .find(|title| title.trim_end_matches('.') == bare)
                .copied()
        })
        .collect();
    let rest = &words[titles.len()..];
    if titles.is_empty() || rest.is_empty() {
        return words.join(" ");
    }
    let initials = rest.iter().take_while(|word| word.contains('.')).count();
    let skip = match initials {
        0 if rest.len() > 1 => 1,
        n if n < rest.len() => n,
        _ => 0,
    };
    let mut surname = rest[skip..].join(" ");
    if let Some(first) = surname.chars().next() {
        surname.replace_range(..first.len_utf8(), &first.to_uppercase().to_string());
    }
    format!("{} {surname}", titles.join(" "))
}

/// A moment the Dutch way, in Dutch time: "01-09-2026 om 14:05".
pub fn format_when(at: chrono::DateTime<chrono::Utc>) -> String {
    let local = at.with_timezone(&chrono_tz::Europe::Amsterdam);
    format!(
        "{} om {}",
        format_date(local.date_naive()),
        local.format("%H:%M")
    )
}

/// The basisgegevens as stored; every field may still be empty.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PersonalDetails {
    /// Full name.
    pub full_name: String,
    /// Date of birth.
    pub date_of_birth: Option<NaiveDate>,
    /// BIG-nummer.
    pub big_number: Option<String>,
    /// Date of the artsdiploma.
    pub diploma_date: Option<NaiveDate>,
    /// The faculty (university) that granted the artsdiploma.
    pub faculty_code: Option<String>,
    /// Telephone number.
    pub phone: Option<String>,
    /// Street and house number.
    pub street: Option<String>,
    /// Postcode.
    pub postcode: Option<String>,
    /// Place of residence.
    pub city: Option<String>,
}

impl PersonalDetails {
    /// What is still missing before a training can be created (docs/domain/accounts.md), in Dutch,
    /// in the order of the form. Empty when complete.
    pub fn missing_for_training(&self) -> Vec<&'static str> {
        let mut missing = Vec::new();
        if self.full_name.trim().is_empty() {
            missing.push("naam");
        }
        if self.date_of_birth.is_none() {
            missing.push("geboortedatum");
        }
        if self.big_number.is_none() {
            missing.push("BIG-nummer");
        }
        if self.diploma_date.is_none() {
            missing.push("datum van het artsdiploma");
        }
        if self.faculty_code.is_none() {
            missing.push("universiteit van het artsdiploma");
        }
        missing
    }
}

/// Checks the dates of birth and diploma against each other and against `today`, recording a
/// message per field.
pub fn check_dates(
    date_of_birth: Option<NaiveDate>,
    diploma_date: Option<NaiveDate>,
    today: NaiveDate,
) -> Vec<(&'static str, &'static str)> {
    let mut problems = Vec::new();
    if let Some(born) = date_of_birth {
        if born > today {
            problems.push((
                "geboortedatum",
                "Uw geboortedatum kan niet in de toekomst liggen.",
            ));
        } else if today.year() - born.year() < 16 {
            problems.push((
                "geboortedatum",
                "Controleer uw geboortedatum: u bent volgens deze datum jonger dan 16 jaar.",
            ));
        }
    }
    if let Some(diploma) = diploma_date {
        if diploma > today {
            problems.push((
                "diplomadatum",
                "De datum van het artsdiploma kan niet in de toekomst liggen.",
            ));
        } else if let Some(born) = date_of_birth
            && diploma <= born
        {
            problems.push((
                "diplomadatum",
                "De datum van het artsdiploma ligt voor uw geboortedatum. Controleer beide datums.",
            ));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn a_name_search_is_one_literal_pattern_per_word_in_any_order() {
        assert_eq!(
            name_patterns("Amrani  KARIM amrani", 3, 5),
            Ok(vec!["%amrani%".to_owned(), "%karim%".to_owned()])
        );
        assert_eq!(
            name_patterns("50%_a\\b", 3, 5),
            Ok(vec!["%50\\%\\_a\\\\b%".to_owned()])
        );
        assert_eq!(
            name_patterns("el de", 3, 5),
            Err(NameSearchError::TooShort(3))
        );
        assert_eq!(name_patterns("", 3, 5), Err(NameSearchError::TooShort(3)));
        assert_eq!(
            name_patterns("a b c d e fgh", 3, 5),
            Err(NameSearchError::TooManyWords(5))
        );
        assert_eq!(
            NameSearchError::TooShort(3).to_string(),
            "Vul minstens 3 letters van de naam in."
        );
    }

    #[test]
    fn a_titled_person_is_addressed_by_title_and_surname_and_anyone_else_by_full_name() {
        assert_eq!(addressed("Dr. Karim El Amrani"), "dr. El Amrani");
        assert_eq!(addressed("Dr. Pieter Jansen"), "dr. Jansen");
        assert_eq!(addressed("Prof. dr. A.M. de Vries"), "prof. dr. De Vries");
        assert_eq!(addressed("dr  P.  van der Berg"), "dr. Van der Berg");
        assert_eq!(
            addressed("Mr. Jansen"),
            "mr. Jansen",
            "one word after the title"
        );
        assert_eq!(addressed("Anna de Vries"), "Anna de Vries");
        assert_eq!(addressed("  Noor   Bakker "), "Noor Bakker");
        assert_eq!(addressed("Drs."), "Drs.", "a title alone stays what it is");
        assert_eq!(addressed("Dr. Émile Ödegaard"), "dr. Ödegaard");
        assert_eq!(addressed(""), "");
        // A given name that merely starts like a title is a name.
        assert_eq!(addressed("Drew Barrymore"), "Drew Barrymore");
    }

    proptest::proptest! {
        #[test]
        fn any_name_is_addressed_without_panicking_and_a_title_comes_first(
            name in "(Dr\\.|Prof\\.|mr|ir\\.)? ?\\PC{0,30}"
        ) {
            let greeting = addressed(&name);
            let titled = TITLES.iter().any(|t| greeting.starts_with(t));
            let words = name.split_whitespace().count();
            proptest::prop_assert!(greeting.split_whitespace().count() <= words);
            if !titled {
                proptest::prop_assert_eq!(greeting, name.split_whitespace().collect::<Vec<_>>().join(" "));
            }
        }
    }

    #[test]
    fn a_big_number_has_exactly_eleven_digits_and_may_be_typed_with_spaces() {
        assert_eq!(
            BigNumber::parse(" 190 123 456 01 ").unwrap().as_str(),
            "19012345601"
        );
        assert!(BigNumber::parse("1901234560").is_err());
        assert!(BigNumber::parse("190123456012").is_err());
        assert!(BigNumber::parse("1901234560a").is_err());
        assert_eq!(BigNumber::parse(""), Err("Vul uw BIG-nummer in."));
    }

    #[test]
    fn dates_are_read_the_dutch_way_and_the_iso_way() {
        assert_eq!(parse_date("01-09-2026"), Ok(date(2026, 9, 1)));
        assert_eq!(parse_date("1/9/2026"), Ok(date(2026, 9, 1)));
        assert_eq!(parse_date("1.9.2026"), Ok(date(2026, 9, 1)));
        assert_eq!(parse_date("2026-09-01"), Ok(date(2026, 9, 1)));
    }

    #[test]
    fn a_date_that_does_not_exist_is_refused_with_a_clear_message() {
        assert_eq!(
            parse_date("30-02-2026"),
            Err("Deze datum bestaat niet. Controleer de dag en de maand.")
        );
        assert_eq!(
            parse_date("2026-02-30"),
            Err("Deze datum bestaat niet. Controleer de dag en de maand.")
        );
        assert!(parse_date("abc").is_err());
        assert!(parse_date("01-09-26").is_err());
        assert!(parse_date("01-09-12026").is_err());
        assert!(parse_date("").is_err());
        assert!(parse_date("01-09-0001").is_err());
        assert!(parse_date("-1-09-2026").is_err());
    }

    #[test]
    fn a_date_is_shown_as_it_is_typed() {
        assert_eq!(format_date(date(2026, 9, 1)), "01-09-2026");
        assert_eq!(
            parse_date(&format_date(date(2027, 12, 31))),
            Ok(date(2027, 12, 31))
        );
    }

    #[test]
    fn missing_basisgegevens_are_named_in_the_order_of_the_form() {
        let details = PersonalDetails {
            full_name: "Anna de Vries".into(),
            date_of_birth: Some(date(1995, 3, 14)),
            ..Default::default()
        };
        assert_eq!(
            details.missing_for_training(),
            vec![
                "BIG-nummer",
                "datum van het artsdiploma",
                "universiteit van het artsdiploma"
            ]
        );
        let complete = PersonalDetails {
            big_number: Some("19012345601".into()),
            diploma_date: Some(date(2021, 7, 1)),
            faculty_code: Some("radboud".into()),
            ..details
        };
        assert!(complete.missing_for_training().is_empty());
    }

    #[test]
    fn a_diploma_before_birth_or_in_the_future_is_refused() {
        let today = date(2026, 11, 22);
        assert_eq!(
            check_dates(Some(date(1995, 1, 1)), Some(date(2020, 7, 1)), today),
            vec![]
        );
        assert_eq!(
            check_dates(Some(date(1995, 1, 1)), Some(date(1990, 7, 1)), today)[0].0,
            "diplomadatum"
        );
        assert_eq!(
            check_dates(None, Some(date(2027, 1, 1)), today)[0].0,
            "diplomadatum"
        );
        assert_eq!(
            check_dates(Some(date(2027, 1, 1)), None, today)[0].0,
            "geboortedatum"
        );
        assert_eq!(
            check_dates(Some(date(2015, 1, 1)), None, today)[0].0,
            "geboortedatum"
        );
    }
}

//! The rules for the reference data the back office keeps (docs/domain/reference-data.md): what a
//! name, code, duration, fee and year may be, as typed in the forms. Pure: the database layer
//! stores what these functions accept.

use crate::money::Money;

/// A name or place as typed: trimmed, `min` to `max` characters.
pub fn parse_text(raw: &str, min: usize, max: usize, what: &str) -> Result<String, String> {
    let text = raw.trim();
    let length = text.chars().count();
    if length < min {
        return Err(format!("Vul {what} in (minstens {min} tekens)."));
    }
    if length > max {
        return Err(format!("Gebruik voor {what} hoogstens {max} tekens."));
    }
    Ok(text.to_owned())
}

/// A code of a specialty or institute: 2–40 lower-case letters, digits and hyphens.
pub fn parse_code(raw: &str) -> Result<String, &'static str> {
    let code = raw.trim();
    let valid = (2..=40).contains(&code.len())
        && code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if valid {
        Ok(code.to_owned())
    } else {
        Err(
            "Een code bestaat uit 2 tot 40 kleine letters, cijfers of streepjes, bijvoorbeeld \
             kindergeneeskunde.",
        )
    }
}

/// A code of an interruption type: 2–40 lower-case letters and underscores.
pub fn parse_type_code(raw: &str) -> Result<String, &'static str> {
    let code = raw.trim();
    let valid =
        (2..=40).contains(&code.len()) && code.chars().all(|c| c.is_ascii_lowercase() || c == '_');
    if valid {
        Ok(code.to_owned())
    } else {
        Err(
            "Een code bestaat uit 2 tot 40 kleine letters of lage streepjes, bijvoorbeeld \
             zwangerschapsverlof.",
        )
    }
}

/// A number of months from 1 to 240, as typed.
pub fn parse_months(raw: &str) -> Result<i32, &'static str> {
    match raw.trim().parse::<i32>() {
        Ok(months) if (1..=240).contains(&months) => Ok(months),
        _ => Err("Vul een heel aantal maanden in, van 1 tot en met 240."),
    }
}

/// An optional number of months (empty: none), as typed.
pub fn parse_optional_months(raw: &str) -> Result<Option<i32>, &'static str> {
    if raw.trim().is_empty() {
        Ok(None)
    } else {
        parse_months(raw).map(Some)
    }
}

/// A fee cluster: 1, 2 or 3.
pub fn parse_cluster(raw: &str) -> Result<i16, &'static str> {
    match raw.trim() {
        "1" => Ok(1),
        "2" => Ok(2),
        "3" => Ok(3),
        _ => Err("Kies cluster 1, 2 of 3."),
    }
}

/// A fee's cluster: empty for every cluster, else 1, 2 or 3.
pub fn parse_fee_cluster(raw: &str) -> Result<Option<i16>, &'static str> {
    if raw.trim().is_empty() {
        Ok(None)
    } else {
        parse_cluster(raw).map(Some)
    }
}

/// A tariff year, 2000–2100.
pub fn parse_year(raw: &str) -> Result<i16, &'static str> {
    match raw.trim().parse::<i16>() {
        Ok(year) if (2000..=2100).contains(&year) => Ok(year),
        _ => Err("Vul een jaartal in, bijvoorbeeld 2027."),
    }
}

/// A fee including VAT, more than nothing and at most € 100.000.
pub fn parse_fee(raw: &str) -> Result<i32, &'static str> {
    match Money::parse(raw).map(Money::as_cents) {
        Some(cents) if (1..=10_000_000).contains(&cents) => {
            i32::try_from(cents).map_err(|_| "Het bedrag is te hoog.")
        }
        Some(_) => Err("Het bedrag moet groter zijn dan € 0 en hoogstens € 100.000."),
        None => Err("Vul het bedrag in euro in, bijvoorbeeld 494,15."),
    }
}

/// The products that have a fee.
pub const PRODUCTS: [(&str, &str); 3] = [
    (
        "opleidingsregistratie",
        "Registratie in het opleidingsregister",
    ),
    (
        "eerste_registratie",
        "Eerste registratie als specialist of profielarts",
    ),
    ("herregistratie", "Herregistratie"),
];

/// The label of product `code`.
pub fn product_label(code: &str) -> &'static str {
    PRODUCTS
        .iter()
        .find(|(c, _)| *c == code)
        .map_or("Onbekend product", |(_, label)| label)
}

/// The kinds of institution.
pub const INSTITUTION_KINDS: [(&str, &str); 5] = [
    ("umc", "Universitair medisch centrum"),
    ("ziekenhuis", "Ziekenhuis"),
    ("praktijk", "Praktijk"),
    ("instelling", "Instelling"),
    ("overig", "Overig"),
];

/// The kind of institution as posted.
pub fn parse_institution_kind(raw: &str) -> Result<&'static str, &'static str> {
    INSTITUTION_KINDS
        .iter()
        .find(|(code, _)| *code == raw.trim())
        .map(|(code, _)| *code)
        .ok_or("Kies de soort instelling.")
}

/// Whether a fee of `fee_year` may still be changed, given the years in which invoices of its
/// product were issued: a fee that may have priced an issued invoice stays as it was, so the
/// tariff history stays true; a new tariff is added for a later year instead.
pub fn fee_may_change(fee_year: i16, invoiced_years: &[i16]) -> bool {
    invoiced_years.iter().all(|year| *year < fee_year)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(
            parse_text("  Isala ", 2, 200, "de naam"),
            Ok("Isala".to_owned())
        );
        assert!(parse_text(" x ", 2, 200, "de naam").is_err());
        assert!(parse_text(&"a".repeat(201), 2, 200, "de naam").is_err());
        assert!(parse_text(&"é".repeat(200), 2, 200, "de naam").is_ok());
    }

    #[test]
    fn codes_are_lower_case_with_hyphens_or_underscores() {
        assert_eq!(
            parse_code("kinder-geneeskunde"),
            Ok("kinder-geneeskunde".to_owned())
        );
        for bad in [
            "K",
            "Kindergeneeskunde",
            "a b",
            "x",
            "<script>",
            &"a".repeat(41),
        ] {
            assert!(parse_code(bad).is_err(), "{bad}");
        }
        assert_eq!(
            parse_type_code("zwangerschapsverlof"),
            Ok("zwangerschapsverlof".to_owned())
        );
        assert!(parse_type_code("zwanger-schap").is_err());
    }

    #[test]
    fn months_years_and_clusters_are_whole_numbers_in_range() {
        assert_eq!(parse_months("60"), Ok(60));
        for bad in ["0", "241", "6,5", "", "abc"] {
            assert!(parse_months(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_optional_months(" "), Ok(None));
        assert_eq!(parse_optional_months("54"), Ok(Some(54)));
        assert_eq!(parse_year("2027"), Ok(2027));
        assert!(parse_year("1999").is_err());
        assert!(parse_year("twintig").is_err());
        assert_eq!(parse_cluster("2"), Ok(2));
        assert!(parse_cluster("4").is_err());
        assert_eq!(parse_fee_cluster(""), Ok(None));
    }

    #[test]
    fn fees_are_read_as_euros_and_must_be_positive() {
        assert_eq!(parse_fee("494,15"), Ok(49415));
        assert_eq!(parse_fee("€ 1.234,56"), Ok(123_456));
        assert!(parse_fee("0").is_err());
        assert!(parse_fee("-5").is_err());
        assert!(parse_fee("100000,01").is_err());
        assert!(parse_fee("veel").is_err());
    }

    #[test]
    fn a_fee_that_may_have_priced_an_invoice_stays_as_it_was() {
        assert!(fee_may_change(2027, &[2025, 2026]));
        assert!(!fee_may_change(2026, &[2026]));
        assert!(
            !fee_may_change(2021, &[2026]),
            "it priced invoices until a newer tariff"
        );
        assert!(fee_may_change(2026, &[]));
    }

    #[test]
    fn institution_kinds_and_products_have_labels() {
        assert_eq!(parse_institution_kind("umc"), Ok("umc"));
        assert!(parse_institution_kind("kliniek").is_err());
        assert_eq!(product_label("herregistratie"), "Herregistratie");
        assert_eq!(product_label("iets"), "Onbekend product");
    }
}

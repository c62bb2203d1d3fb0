//! Money as whole euro cents (never floating point), the Dutch way of writing it
//! (`€ 1.234,56`), the VAT contained in a fee, and invoice numbers. Pure.
//!
//! Fees are set including 21 % VAT (docs/domain/invoices.md); an invoice shows the VAT split out
//! with one rule: the VAT is `gross × 21 / 121`, rounded half up to the cent, and the amount
//! without VAT is the rest, so the two always add up to the fee exactly.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, Neg, Sub};

/// The Dutch standard VAT rate, in percent.
pub const VAT_PERCENT: i64 = 21;

/// An amount in euro cents.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(i64);

impl Money {
    /// Nothing.
    pub const ZERO: Money = Money(0);

    /// `cents` euro cents.
    pub const fn cents(cents: i64) -> Self {
        Money(cents)
    }

    /// The amount in cents.
    pub const fn as_cents(self) -> i64 {
        self.0
    }

    /// Reads an amount as a person types it: `433,11`, `€ 1.234,56`, `1234.56`, `12`. At most
    /// two decimals; `None` for anything else.
    pub fn parse(text: &str) -> Option<Money> {
        let cleaned: String = text
            .trim()
            .trim_start_matches('€')
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let (negative, digits) = match cleaned.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, cleaned.as_str()),
        };
        // The last ',' or '.' followed by one or two digits is the decimal separator; any
        // other separators group thousands.
        let split = digits
            .rfind([',', '.'])
            .filter(|&i| (1..=2).contains(&(digits.len() - i - 1)));
        let (whole, fraction) = match split {
            Some(i) => (&digits[..i], &digits[i + 1..]),
            None => (digits, ""),
        };
        let whole: String = whole.chars().filter(|c| *c != '.' && *c != ',').collect();
        if whole.is_empty()
            || !whole.chars().all(|c| c.is_ascii_digit())
            || !fraction.chars().all(|c| c.is_ascii_digit())
            || whole.len() > 12
        {
            return None;
        }
        let euros: i64 = whole.parse().ok()?;
        let cents: i64 = match fraction.len() {
            0 => 0,
            1 => fraction.parse::<i64>().ok()? * 10,
            _ => fraction.parse().ok()?,
        };
        let total = euros.checked_mul(100)?.checked_add(cents)?;
        Some(Money(if negative { -total } else { total }))
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, other: Money) -> Money {
        Money(self.0 + other.0)
    }
}

impl Sub for Money {
    type Output = Money;
    fn sub(self, other: Money) -> Money {
        Money(self.0 - other.0)
    }
}

impl Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money(-self.0)
    }
}

impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, Add::add)
    }
}

/// `€ 1.234,56`; a negative amount (a credit invoice) as `-€ 1.234,56`.
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let cents = self.0.unsigned_abs();
        let euros = (cents / 100).to_string();
        let mut grouped = String::new();
        for (i, digit) in euros.chars().enumerate() {
            if i > 0 && (euros.len() - i).is_multiple_of(3) {
                grouped.push('.');
            }
            grouped.push(digit);
        }
        write!(f, "{sign}€ {grouped},{:02}", cents % 100)
    }
}

/// A fee including VAT, split.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VatSplit {
    /// Without VAT.
    pub net: Money,
    /// The VAT.
    pub vat: Money,
    /// Including VAT: `net + vat`.
    pub gross: Money,
}

/// Splits `gross` (including VAT at `percent`) into the amount without VAT and the VAT: the
/// VAT is `gross × percent / (100 + percent)` rounded half up (away from zero) to the cent.
pub fn split_vat(gross: Money, percent: i64) -> VatSplit {
    let numerator = i128::from(gross.0) * i128::from(percent);
    let denominator = i128::from(100 + percent);
    let vat = (2 * numerator.abs() + denominator) / (2 * denominator);
    let vat = i64::try_from(vat).unwrap_or(i64::MAX) * gross.0.signum();
    VatSplit {
        net: Money(gross.0 - vat),
        vat: Money(vat),
        gross,
    }
}

/// An invoice number: the year and the sequence within it, `2026-000123`. Gapless per year:
/// the database hands out the sequence from a counter row locked in the invoice's transaction.
pub fn invoice_number(year: i32, sequence: i64) -> String {
    format!("{year}-{sequence:06}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn amounts_are_written_the_dutch_way() {
        assert_eq!(Money::cents(43311).to_string(), "€ 433,11");
        assert_eq!(Money::cents(123_456).to_string(), "€ 1.234,56");
        assert_eq!(Money::cents(100_000_000).to_string(), "€ 1.000.000,00");
        assert_eq!(Money::cents(5).to_string(), "€ 0,05");
        assert_eq!(Money::cents(-68709).to_string(), "-€ 687,09");
    }

    #[test]
    fn typed_amounts_are_read_with_either_separator() {
        for (text, cents) in [
            ("433,11", 43311),
            ("€ 1.234,56", 123_456),
            ("1234.56", 123_456),
            ("1.234", 123_400),
            ("12", 1200),
            ("12,5", 1250),
            ("-10,00", -1000),
        ] {
            assert_eq!(Money::parse(text), Some(Money::cents(cents)), "{text}");
        }
        for text in ["", "abc", "12,345,67x", "1,2,3a", "€", "12,-5"] {
            assert_eq!(Money::parse(text), None, "{text}");
        }
    }

    #[test]
    fn the_vat_in_the_known_fees_is_split_out_to_the_cent() {
        // Opleidingsregistratie cluster 1 (2021): € 433,11 including 21 % VAT.
        let split = split_vat(Money::cents(43311), VAT_PERCENT);
        assert_eq!(split.vat, Money::cents(7517)); // 75,1678… rounds to 75,17
        assert_eq!(split.net, Money::cents(35794));
        let split = split_vat(Money::cents(68709), VAT_PERCENT);
        assert_eq!(split.vat, Money::cents(11925)); // 119,246… rounds to 119,25
        assert_eq!(split.net, Money::cents(56784));
        let split = split_vat(Money::cents(17791), VAT_PERCENT);
        assert_eq!(split.vat, Money::cents(3088)); // 30,876…
        assert_eq!(split.net, Money::cents(14703));
    }

    #[test]
    fn a_credit_splits_as_the_mirror_of_its_invoice() {
        let invoice = split_vat(Money::cents(43311), VAT_PERCENT);
        let credit = split_vat(Money::cents(-43311), VAT_PERCENT);
        assert_eq!(credit.vat, -invoice.vat);
        assert_eq!(credit.net, -invoice.net);
    }

    #[test]
    fn invoice_numbers_have_the_year_and_six_digits() {
        assert_eq!(invoice_number(2026, 123), "2026-000123");
        assert_eq!(invoice_number(2027, 1), "2027-000001");
    }

    proptest! {
        #[test]
        fn net_and_vat_always_add_up_to_the_fee(cents in -10_000_000i64..10_000_000) {
            let split = split_vat(Money::cents(cents), VAT_PERCENT);
            prop_assert_eq!(split.net + split.vat, Money::cents(cents));
            // The VAT is within half a cent of the exact figure.
            let exact = cents as f64 * 21.0 / 121.0;
            prop_assert!((split.vat.as_cents() as f64 - exact).abs() <= 0.5 + 1e-9);
        }

        #[test]
        fn what_is_written_reads_back(cents in -10_000_000_000i64..10_000_000_000) {
            let money = Money::cents(cents);
            let written = money.to_string().replace("-€ ", "-");
            prop_assert_eq!(Money::parse(&written), Some(money));
        }
    }
}

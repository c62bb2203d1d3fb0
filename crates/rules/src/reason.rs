//! A reason typed in a form: why a schedule, shortening or account request is rejected, why a
//! registration is closed or extended, why an account is blocked, why an invoice is credited.
//! Someone else reads each of them (the aios, the opleider, the requester, the auditor), so a
//! reason must say something and stay readable. One rule for all of them: trimmed, at least
//! `min` characters, at most `max`; each form says in its own words who reads it.

/// How long a reason may be, in characters after trimming.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Length {
    /// Fewer characters than this say nothing.
    pub min: usize,
    /// More than this is refused; `None` for no limit.
    pub max: Option<usize>,
}

impl Length {
    /// From `min` up to and including `max` characters.
    pub const fn between(min: usize, max: usize) -> Self {
        Self {
            min,
            max: Some(max),
        }
    }

    /// At least `min` characters.
    pub const fn at_least(min: usize) -> Self {
        Self { min, max: None }
    }
}

/// What is wrong with a reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReasonProblem {
    /// Empty, or too short to say anything.
    Missing,
    /// Longer than the form allows.
    TooLong {
        /// The limit, in characters.
        max: usize,
    },
}

impl ReasonProblem {
    /// The Dutch message for the form: `missing` (which says who reads the reason) when the
    /// reason says nothing, else the limit.
    pub fn message(self, missing: &str) -> String {
        match self {
            ReasonProblem::Missing => missing.to_owned(),
            ReasonProblem::TooLong { max } => {
                format!("Gebruik voor de reden hoogstens {max} tekens.")
            }
        }
    }
}

/// The reason in `raw`, trimmed, if its length is within `length`.
pub fn parse_reason(raw: &str, length: Length) -> Result<String, ReasonProblem> {
    let reason = raw.trim();
    let count = reason.chars().count();
    if count < length.min {
        return Err(ReasonProblem::Missing);
    }
    if let Some(max) = length.max
        && count > max
    {
        return Err(ReasonProblem::TooLong { max });
    }
    Ok(reason.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reason_is_trimmed_and_must_say_something_within_its_limit() {
        let length = Length::between(5, 10);
        assert_eq!(
            parse_reason("  te laat  ", length),
            Ok("te laat".to_owned())
        );
        assert_eq!(parse_reason("    ", length), Err(ReasonProblem::Missing));
        assert_eq!(parse_reason("nee", length), Err(ReasonProblem::Missing));
        assert_eq!(parse_reason("vijf!", length), Ok("vijf!".to_owned()));
        assert_eq!(
            parse_reason("tien tekens", length),
            Err(ReasonProblem::TooLong { max: 10 })
        );
        // Characters, not bytes: "één" is three.
        assert_eq!(
            parse_reason("één één", Length::between(5, 7)),
            Ok("één één".to_owned())
        );
    }

    #[test]
    fn without_a_maximum_any_length_is_taken() {
        let long = "x".repeat(10_000);
        assert_eq!(parse_reason(&long, Length::at_least(5)), Ok(long.clone()));
    }

    #[test]
    fn a_reason_that_is_too_long_says_the_limit() {
        assert_eq!(
            ReasonProblem::TooLong { max: 2000 }.message("Geef een reden."),
            "Gebruik voor de reden hoogstens 2000 tekens."
        );
        assert_eq!(
            ReasonProblem::Missing.message("Geef een reden."),
            "Geef een reden."
        );
    }
}

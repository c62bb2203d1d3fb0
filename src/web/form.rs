//! Field errors of a refused form, shown next to each field and in the error summary at the
//! top of the form (`templates/partials/error_summary.html`), whose links move focus to the
//! field (WCAG 3.3.1).

use rules::account::NewPassword;

/// A form post whose fields are all required, read only once the handler has checked that the
/// user may post there: a post that leaves a field out is then refused with 422 (never taken as
/// clearing it), while someone else's record still answers 404 (docs/security.md §8).
pub type Posted<T> = Result<axum::Form<T>, axum::extract::rejection::FormRejection>;

/// The fields of `posted`, or why it was refused (its answer is the 422 for a post that left
/// some out).
pub fn complete<T>(posted: Posted<T>) -> Result<T, axum::extract::rejection::FormRejection> {
    posted.map(|axum::Form(fields)| fields)
}

/// One option of a select list (`fields::select`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SelectOption {
    /// The value posted.
    pub value: String,
    /// What the list shows.
    pub label: String,
}

impl SelectOption {
    /// An option with `value` and `label`.
    pub fn new(value: impl ToString, label: impl Into<String>) -> Self {
        Self {
            value: value.to_string(),
            label: label.into(),
        }
    }
}

/// One field's problem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// The `id` of the input, which the summary links to.
    pub field: &'static str,
    /// What to change, in Dutch.
    pub message: String,
}

/// The problems of one submitted form, in the order of the fields.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FormErrors(Vec<FieldError>);

impl FormErrors {
    /// No problems yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a problem with `field`.
    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        self.0.push(FieldError {
            field,
            message: message.into(),
        });
    }

    /// Whether the form can be accepted.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// All problems, for the summary.
    pub fn all(&self) -> &[FieldError] {
        &self.0
    }

    /// Parses a new password typed twice (fields `field` and `repeat_field`), recording what
    /// is wrong; `context` holds the username and name it must not be built around.
    pub fn new_password(
        &mut self,
        (field, raw): (&'static str, &str),
        (repeat_field, repeat): (&'static str, &str),
        context: &[&str],
    ) -> Option<NewPassword> {
        let password = NewPassword::parse(raw, context)
            .map_err(|message| self.add(field, message))
            .ok()?;
        if raw != repeat {
            self.add(
                repeat_field,
                "De twee wachtwoorden zijn niet gelijk. Typ hetzelfde wachtwoord twee keer.",
            );
            return None;
        }
        Some(password)
    }

    /// The first problem with `field`, for the message at the field.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use askama::Template;

    #[derive(Template)]
    #[template(
        source = r#"{% include "partials/error_summary.html" %}"#,
        ext = "html"
    )]
    struct SummaryOnly {
        errors: FormErrors,
    }

    #[test]
    fn the_error_summary_links_each_message_to_its_field() {
        let mut errors = FormErrors::new();
        errors.add("big_nummer", "Vul een BIG-nummer van 11 cijfers in.");
        errors.add("geboortedatum", "Vul uw geboortedatum in.");
        let html = SummaryOnly { errors }.render().unwrap();
        assert!(html.contains(r#"role="alert""#));
        assert!(
            html.contains(r##"<a href="#big_nummer">Vul een BIG-nummer van 11 cijfers in.</a>"##)
        );
        assert!(html.contains(r##"<a href="#geboortedatum">Vul uw geboortedatum in.</a>"##));
    }

    #[test]
    fn no_summary_is_rendered_for_a_form_without_errors() {
        let html = SummaryOnly {
            errors: FormErrors::new(),
        }
        .render()
        .unwrap();
        assert!(html.trim().is_empty(), "{html}");
    }

    #[test]
    fn the_message_at_a_field_is_its_first_error() {
        let mut errors = FormErrors::new();
        errors.add("naam", "Eerste");
        errors.add("naam", "Tweede");
        assert_eq!(errors.get("naam"), Some("Eerste"));
        assert_eq!(errors.get("ander"), None);
    }
}

//! The mails of back_office, each rendered from its text template under
//! `templates/mail/back_office/` (docs/architecture.md, "Mails").

use askama::Template;

/// The mail `mail/back_office/second_factor_reset.txt`.
#[derive(Template)]
#[template(path = "mail/back_office/second_factor_reset.txt", escape = "none")]
pub(crate) struct SecondFactorReset<'a> {
    /// The addressee's name.
    pub(crate) name: &'a str,
}

#[cfg(test)]
mod tests {
    //! Each mail's text, byte for byte as it was before mails were templates (from the
    //! `format!` that built it), and never HTML-escaped.
    use super::*;
    use crate::platform::mail::SIGNATURE;
    use crate::platform::mail::text;

    #[test]
    fn second_factor_reset_reads_as_it_always_did() {
        let name = "<name>";
        let expected = format!(
            "Beste {name},\n\nDe helpdesk heeft op uw verzoek de koppeling met uw \
                 authenticator-app verwijderd. Bij de volgende keer inloggen koppelt u opnieuw een \
                 app; u krijgt dan ook nieuwe herstelcodes.\n\n\
                 Heeft u hier niet om gevraagd? Neem dan direct contact op met de helpdesk.\n\n{SIGNATURE}"
        );
        assert_eq!(text(&SecondFactorReset { name }).unwrap(), expected);
    }
}

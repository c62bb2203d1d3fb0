//! The mails of registers, each rendered from its text template under
//! `templates/mail/registers/` (docs/architecture.md, "Mails").

use askama::Template;

/// The mail `mail/registers/struck_off.txt`.
#[derive(Template)]
#[template(path = "mail/registers/struck_off.txt", escape = "none")]
pub(crate) struct StruckOff<'a> {
    /// The addressee's name.
    pub(crate) name: &'a str,
    /// The register, in lower case ("specialistenregister").
    pub(crate) register: &'a str,
    /// The specialty or profile.
    pub(crate) specialty: &'a str,
    /// The last day of the entry.
    pub(crate) until: &'a str,
    /// Why it was struck off.
    pub(crate) reason: &'a str,
    /// The portal's address, without a trailing slash.
    pub(crate) base: &'a str,
}

/// The mail `mail/registers/reregistration_decided.txt`.
#[derive(Template)]
#[template(path = "mail/registers/reregistration_decided.txt", escape = "none")]
pub(crate) struct ReregistrationDecided<'a> {
    /// The addressee's name.
    pub(crate) name: &'a str,
    /// The decision, in sentences.
    pub(crate) outcome: &'a str,
    /// The RGS's note, if it wrote one.
    pub(crate) note_text: &'a str,
    /// The portal's address, without a trailing slash.
    pub(crate) base: &'a str,
}

/// The invitation and both reminders to apply for herregistratie (only their subjects differ).
#[derive(Template)]
#[template(path = "mail/registers/reregistration_notice.txt", escape = "none")]
pub(crate) struct ReregistrationNotice<'a> {
    /// The addressee's name.
    pub(crate) name: &'a str,
    /// The register, in lower case ("specialistenregister").
    pub(crate) register: &'a str,
    /// The specialty or profile.
    pub(crate) specialty: &'a str,
    /// The last day of the entry, formatted.
    pub(crate) until: &'a str,
    /// The entry's herregistratie form in full (`Config::link`): the login step returns there.
    pub(crate) link: &'a str,
}

#[cfg(test)]
mod tests {
    //! Each mail's text, byte for byte as it was before mails were templates (from the
    //! `format!` that built it), and never HTML-escaped.
    use super::*;
    use crate::platform::mail::SIGNATURE;
    use crate::platform::mail::text;

    #[test]
    fn struck_off_reads_as_it_always_did() {
        let name = "<name>";
        let register = "<register>";
        let specialty = "<specialty>";
        let until = "<until>";
        let reason = "<reason>";
        let base = "<base>";
        let expected = format!(
            "Beste {},\n\nUw inschrijving in het {} van {} liep tot en met {} en is \
                 doorgehaald. {reason}\n\nU mag de titel die bij deze inschrijving hoort niet meer \
                 voeren. Wilt u opnieuw worden ingeschreven, neem dan contact op met de RGS over herintreding \
                 ({base}/contact).\n\n{SIGNATURE}",
            "<name>", "<register>", "<specialty>", "<until>"
        );
        assert_eq!(
            text(&StruckOff {
                name,
                register,
                specialty,
                until,
                reason,
                base
            })
            .unwrap(),
            expected
        );
    }

    #[test]
    fn reregistration_decided_reads_as_it_always_did() {
        let name = "<name>";
        let outcome = "<outcome>";
        let note_text = "<note_text>";
        let base = "<base>";
        let expected = format!(
            "Beste {},\n\n{outcome}{note_text}\n\nHet besluit vindt u als PDF in MijnRGS \
                 onder Mijn registratie ({base}/registratie). Bent u het niet eens met het \
                 besluit, dan kunt u binnen zes weken bezwaar maken bij de RGS.\n\n{SIGNATURE}",
            "<name>"
        );
        assert_eq!(
            text(&ReregistrationDecided {
                name,
                outcome,
                note_text,
                base
            })
            .unwrap(),
            expected
        );
    }

    #[test]
    fn the_reregistration_notice_links_straight_to_the_herregistratie_form() {
        let link = "<link>";
        let expected = format!(
            "Beste {},\n\nUw inschrijving in het {} van {} is geldig tot en met {}. Om daarna \
             ingeschreven te blijven, vraagt u herregistratie aan in MijnRGS ({link}).\n\nU geeft op \
             hoeveel uur u per jaar in uw specialisme werkte, hoeveel uur geaccrediteerde \
             deskundigheidsbevordering u volgde, en of u de individuele evaluatie (EIF) en de \
             externe kwaliteitsevaluatie (EKE) deed. MijnRGS toont u vóór het indienen welk \
             besluit daaruit volgt.\n\nVraagt u geen herregistratie aan, dan wordt uw \
             inschrijving na {} doorgehaald.\n\n{SIGNATURE}",
            "<name>", "<register>", "<specialty>", "<until>", "<until>",
        );
        let notice = ReregistrationNotice {
            name: "<name>",
            register: "<register>",
            specialty: "<specialty>",
            until: "<until>",
            link,
        };
        assert_eq!(text(&notice).unwrap(), expected);
    }
}

//! The mails of supervision, each rendered from its text template under
//! `templates/mail/supervision/` (docs/architecture.md, "Mails").

use askama::Template;

/// To the aios: their opleider recorded a shortening, approved at once.
#[derive(Template)]
#[template(path = "mail/supervision/shortening_recorded.txt", escape = "none")]
pub(crate) struct ShorteningRecorded<'a> {
    /// The aios's name.
    pub(crate) trainee: &'a str,
    /// The opleider's name.
    pub(crate) supervisor: &'a str,
    /// The shortening in words ("3 maanden verkorting van de opleiding …").
    pub(crate) what: &'a str,
    /// The portal's address.
    pub(crate) base: &'a str,
}

/// To the opleider: the aios or an ondersteuner proposed a shortening.
#[derive(Template)]
#[template(path = "mail/supervision/shortening_proposed.txt", escape = "none")]
pub(crate) struct ShorteningProposed<'a> {
    /// The opleider's name.
    pub(crate) supervisor: &'a str,
    /// Who proposed it: the aios's name, or "Uw opleidingsondersteuner".
    pub(crate) who: &'a str,
    /// The shortening in words.
    pub(crate) what: &'a str,
    /// The aios's name.
    pub(crate) trainee: &'a str,
    /// The portal's address.
    pub(crate) base: &'a str,
}

/// To the aios: the opleider approved a proposed shortening.
#[derive(Template)]
#[template(path = "mail/supervision/shortening_approved.txt", escape = "none")]
pub(crate) struct ShorteningApproved<'a> {
    /// The aios's name.
    pub(crate) trainee: &'a str,
    /// The opleider's name.
    pub(crate) supervisor: &'a str,
    /// The shortening in words.
    pub(crate) what: &'a str,
    /// The portal's address.
    pub(crate) base: &'a str,
}

/// To the aios: the opleider rejected a proposed shortening, with a reason.
#[derive(Template)]
#[template(path = "mail/supervision/shortening_rejected.txt", escape = "none")]
pub(crate) struct ShorteningRejected<'a> {
    /// The aios's name.
    pub(crate) trainee: &'a str,
    /// The opleider's name.
    pub(crate) supervisor: &'a str,
    /// The shortening in words.
    pub(crate) what: &'a str,
    /// Why, as the opleider wrote it.
    pub(crate) reason: &'a str,
    /// The portal's address.
    pub(crate) base: &'a str,
}

#[cfg(test)]
mod tests {
    //! Each mail's text, byte for byte as it was before mails were templates (from the
    //! `format!` that built it), and never HTML-escaped.
    use super::*;
    use crate::accounts::sign_up::SIGNATURE;
    use crate::platform::mail::text;

    const WHAT: &str = "3 maanden verkorting van de opleiding <IGT> op grond van EVC";

    #[test]
    fn shortening_recorded_reads_as_it_always_did() {
        let what = WHAT;
        let expected = format!(
            "Beste {},\n\nUw opleider {} heeft {what} vastgelegd. De vereiste duur van uw \
             opleiding is daarmee korter.\n\nLog in op MijnRGS ({}) om uw schema met de nieuwe \
             duur te bekijken.\n\n{SIGNATURE}",
            "<Anna>", "<Jansen>", "<base>"
        );
        let mail = ShorteningRecorded {
            trainee: "<Anna>",
            supervisor: "<Jansen>",
            what,
            base: "<base>",
        };
        assert_eq!(text(&mail).unwrap(), expected);
    }

    #[test]
    fn shortening_proposed_reads_as_it_always_did() {
        let (what, who) = (WHAT, "Uw opleidingsondersteuner");
        let expected = format!(
            "Beste {},\n\n{who} stelt {what} voor, voor {}. Alleen u als oordelend opleider kunt \
             de verkorting goedkeuren of afwijzen.\n\nLog in op MijnRGS ({}) om het voorstel te \
             beoordelen.\n\n{SIGNATURE}",
            "<Jansen>", "<Anna>", "<base>"
        );
        let mail = ShorteningProposed {
            supervisor: "<Jansen>",
            who,
            what,
            trainee: "<Anna>",
            base: "<base>",
        };
        assert_eq!(text(&mail).unwrap(), expected);
    }

    #[test]
    fn shortening_approved_reads_as_it_always_did() {
        let what = WHAT;
        let expected = format!(
            "Beste {},\n\nUw opleider {} heeft het voorstel voor {what} goedgekeurd. De \
             vereiste duur van uw opleiding is daarmee korter.\n\nLog in op MijnRGS ({}) om \
             uw schema met de nieuwe duur te bekijken.\n\n{SIGNATURE}",
            "<Anna>", "<Jansen>", "<base>"
        );
        let mail = ShorteningApproved {
            trainee: "<Anna>",
            supervisor: "<Jansen>",
            what,
            base: "<base>",
        };
        assert_eq!(text(&mail).unwrap(), expected);
    }

    #[test]
    fn shortening_rejected_reads_as_it_always_did() {
        let what = WHAT;
        let expected = format!(
            "Beste {},\n\nUw opleider {} heeft het voorstel voor {what} afgewezen.\n\n\
             Reden: {}\n\nBespreek dit zo nodig met uw opleider; u kunt een nieuw voorstel \
             doen in MijnRGS ({}).\n\n{SIGNATURE}",
            "<Anna>", "<Jansen>", "<reden>", "<base>"
        );
        let mail = ShorteningRejected {
            trainee: "<Anna>",
            supervisor: "<Jansen>",
            what,
            reason: "<reden>",
            base: "<base>",
        };
        assert_eq!(text(&mail).unwrap(), expected);
    }
}

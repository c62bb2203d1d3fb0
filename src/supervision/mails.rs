//! The mails of supervision, each rendered from its text template under
//! `templates/mail/supervision/` (docs/architecture.md, "Mails").

use askama::Template;
use rules::training::RegistrationStatus;

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
    /// The page of the item in full (`Config::link`): the login step returns there.
    pub(crate) link: &'a str,
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
    /// The page of the item in full (`Config::link`): the login step returns there.
    pub(crate) link: &'a str,
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
    /// The page of the item in full (`Config::link`): the login step returns there.
    pub(crate) link: &'a str,
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
    /// The page of the item in full (`Config::link`): the login step returns there.
    pub(crate) link: &'a str,
}

/// To the aios: the opleider approved their schedule or change request.
#[derive(Template)]
#[template(path = "mail/supervision/schedule_approved.txt", escape = "none")]
pub(crate) struct ScheduleApproved<'a> {
    /// The aios's name.
    pub(crate) trainee: &'a str,
    /// The opleider's name.
    pub(crate) supervisor: &'a str,
    /// What was approved ("uw wijzigingsverzoek voor het opleidingsschema").
    pub(crate) what: &'a str,
    /// The specialty or profile.
    pub(crate) specialty: &'a str,
    /// Whether it was a change request (the mail then says nothing about the registration).
    pub(crate) change_request: bool,
    /// The registration's status after the approval.
    pub(crate) registration: RegistrationStatus,
    /// The page of the item in full (`Config::link`): the login step returns there.
    pub(crate) link: &'a str,
}

/// To the aios: the opleider rejected their schedule or change request, with a reason.
#[derive(Template)]
#[template(path = "mail/supervision/schedule_rejected.txt", escape = "none")]
pub(crate) struct ScheduleRejected<'a> {
    /// The aios's name.
    pub(crate) trainee: &'a str,
    /// The opleider's name.
    pub(crate) supervisor: &'a str,
    /// What was rejected.
    pub(crate) what: &'a str,
    /// The specialty or profile.
    pub(crate) specialty: &'a str,
    /// Why, as the opleider wrote it.
    pub(crate) reason: &'a str,
    /// The page of the item in full (`Config::link`): the login step returns there.
    pub(crate) link: &'a str,
}

/// To the aios: a positive eindverklaring; they may now apply for registration.
#[derive(Template)]
#[template(path = "mail/supervision/training_completed.txt", escape = "none")]
pub(crate) struct TrainingCompleted<'a> {
    /// The aios's name.
    pub(crate) trainee: &'a str,
    /// The opleider's name.
    pub(crate) supervisor: &'a str,
    /// The specialty or profile.
    pub(crate) specialty: &'a str,
    /// The training's last day, formatted (read as "tot en met", docs/domain/trainings.md).
    pub(crate) end: &'a str,
    /// The page of the item in full (`Config::link`): the login step returns there.
    pub(crate) link: &'a str,
}

/// To the aios: a negative eindverklaring.
#[derive(Template)]
#[template(
    path = "mail/supervision/negative_final_declaration.txt",
    escape = "none"
)]
pub(crate) struct NegativeFinalDeclaration<'a> {
    /// The aios's name.
    pub(crate) trainee: &'a str,
    /// The opleider's name.
    pub(crate) supervisor: &'a str,
    /// The specialty or profile.
    pub(crate) specialty: &'a str,
    /// The training's last day, formatted.
    pub(crate) end: &'a str,
}

#[cfg(test)]
mod tests {
    //! Each mail's text, byte for byte as it was before mails were templates (from the
    //! `format!` that built it), and never HTML-escaped.
    use super::*;
    use crate::platform::mail::SIGNATURE;
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
            link: "<base>",
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
            link: "<base>",
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
            link: "<base>",
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
            link: "<base>",
        };
        assert_eq!(text(&mail).unwrap(), expected);
    }

    /// The old text of the approval, from the `format!` and `match` that built it.
    fn old_approved(change_request: bool, registration: RegistrationStatus) -> String {
        format!(
            "Beste {},\n\nUw opleider {} heeft {} voor de opleiding {} goedgekeurd.\n\n\
             {}Log in op MijnRGS ({}) om het geldende schema te bekijken.\n\n{SIGNATURE}",
            "<Anna>",
            "<Jansen>",
            "<wat>",
            "<IGT>",
            match registration {
                _ if change_request => "",
                RegistrationStatus::Registered => {
                    "U staat nu ingeschreven in het opleidingsregister.\n\n"
                }
                RegistrationStatus::RegisteredPendingPayment => {
                    "U staat ingeschreven onder voorwaarde van betaling: de inschrijving \
                     wordt definitief zodra de factuur is betaald.\n\n"
                }
                _ => "De inschrijving wordt definitief zodra de factuur is betaald.\n\n",
            },
            "<base>"
        )
    }

    #[test]
    fn schedule_approved_reads_as_it_always_did_for_every_registration_status() {
        use rules::code::Coded;
        for change_request in [false, true] {
            for registration in RegistrationStatus::ALL.iter().copied() {
                let mail = ScheduleApproved {
                    trainee: "<Anna>",
                    supervisor: "<Jansen>",
                    what: "<wat>",
                    specialty: "<IGT>",
                    change_request,
                    registration,
                    link: "<base>",
                };
                assert_eq!(
                    text(&mail).unwrap(),
                    old_approved(change_request, registration),
                    "{change_request} {}",
                    registration.code()
                );
            }
        }
    }

    #[test]
    fn schedule_rejected_reads_as_it_always_did() {
        let expected = format!(
            "Beste {},\n\nUw opleider {} heeft {} voor de opleiding {} afgekeurd.\n\n\
             Reden: {}\n\nLog in op MijnRGS ({}), kies \"Schema aanpassen\", pas het schema \
             aan en dien het opnieuw in.\n\n{SIGNATURE}",
            "<Anna>", "<Jansen>", "<wat>", "<IGT>", "<reden>", "<base>"
        );
        let mail = ScheduleRejected {
            trainee: "<Anna>",
            supervisor: "<Jansen>",
            what: "<wat>",
            specialty: "<IGT>",
            reason: "<reden>",
            link: "<base>",
        };
        assert_eq!(text(&mail).unwrap(), expected);
    }

    #[test]
    fn both_final_declaration_mails_give_the_last_day_of_training_as_tot_en_met() {
        let end = "<1 maart 2030>";
        let positive = format!(
            "Beste {},\n\nUw opleider {} heeft een positieve eindverklaring afgegeven voor uw \
             opleiding {}; de opleiding loopt tot en met {end}.\n\nU kunt nu in MijnRGS ({}) uw \
             registratie als specialist of profielarts aanvragen.\n\n{SIGNATURE}",
            "<Anna>", "<Jansen>", "<IGT>", "<base>"
        );
        let negative = format!(
            "Beste {},\n\nUw opleider {} heeft een negatieve eindverklaring afgegeven voor uw \
             opleiding {} (opleiding tot en met {end}). De RGS neemt contact met u op over het vervolg.\
             \n\n{SIGNATURE}",
            "<Anna>", "<Jansen>", "<IGT>"
        );
        let completed = TrainingCompleted {
            trainee: "<Anna>",
            supervisor: "<Jansen>",
            specialty: "<IGT>",
            end,
            link: "<base>",
        };
        assert_eq!(text(&completed).unwrap(), positive);
        let declined = NegativeFinalDeclaration {
            trainee: "<Anna>",
            supervisor: "<Jansen>",
            specialty: "<IGT>",
            end,
        };
        assert_eq!(text(&declined).unwrap(), negative);
    }
}

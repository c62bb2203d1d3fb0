//! The mails of trainings, each rendered from its text template under
//! `templates/mail/trainings/` (docs/architecture.md, "Mails").

use askama::Template;

/// To the opleider: the aios submitted a schedule or a change request for judgement.
#[derive(Template)]
#[template(path = "mail/trainings/schedule_submitted.txt", escape = "none")]
pub(crate) struct ScheduleSubmitted<'a> {
    /// The opleider's name.
    pub(crate) supervisor: &'a str,
    /// The aios's name.
    pub(crate) trainee: &'a str,
    /// What was submitted ("een wijzigingsverzoek voor het opleidingsschema").
    pub(crate) what: &'a str,
    /// The specialty or profile.
    pub(crate) specialty: &'a str,
    /// The page of the item in full (`Config::link`): the login step returns there.
    pub(crate) link: &'a str,
}

/// To the aios: what she submitted arrived, and who judges it now.
#[derive(Template)]
#[template(path = "mail/trainings/submitted_receipt.txt", escape = "none")]
pub(crate) struct SubmittedReceipt<'a> {
    /// The aios's name.
    pub(crate) trainee: &'a str,
    /// The opleider's name.
    pub(crate) supervisor: &'a str,
    /// What was submitted ("een wijzigingsverzoek voor het opleidingsschema").
    pub(crate) what: &'a str,
    /// The specialty or profile.
    pub(crate) specialty: &'a str,
    /// Whether it is the request for registration (the mail then says what registration
    /// waits for).
    pub(crate) registration: bool,
    /// Her training's page in full (`Config::link`).
    pub(crate) link: &'a str,
}

/// To the aios: a concept has waited a week without being submitted.
#[derive(Template)]
#[template(path = "mail/trainings/concept_reminder.txt", escape = "none")]
pub(crate) struct ConceptReminder<'a> {
    /// The aios's name.
    pub(crate) trainee: &'a str,
    /// What waits, at the start of a sentence ("Uw aanvraag tot opleidingsregistratie").
    pub(crate) what: &'a str,
    /// The specialty or profile.
    pub(crate) specialty: &'a str,
    /// The page of the item in full (`Config::link`): the login step returns there.
    pub(crate) link: &'a str,
}

/// What both mails about a closed registration say: whose, and why.
pub(crate) struct Closed<'a> {
    /// The aios's name.
    pub(crate) trainee: &'a str,
    /// The specialty or profile.
    pub(crate) specialty: &'a str,
    /// What the RGS did, as a past participle ("doorgehaald", "beëindigd").
    pub(crate) done: &'a str,
    /// Why, as the RGS wrote it.
    pub(crate) reason: &'a str,
}

/// To the aios: the RGS struck off or ended their registration.
#[derive(Template)]
#[template(path = "mail/trainings/closed_to_trainee.txt", escape = "none")]
pub(crate) struct ClosedToTrainee<'a> {
    /// Whose registration, and why.
    pub(crate) closed: &'a Closed<'a>,
}

/// To the opleider: the RGS struck off or ended the registration of their aios.
#[derive(Template)]
#[template(path = "mail/trainings/closed_to_supervisor.txt", escape = "none")]
pub(crate) struct ClosedToSupervisor<'a> {
    /// The opleider's name.
    pub(crate) supervisor: &'a str,
    /// Whose registration, and why.
    pub(crate) closed: &'a Closed<'a>,
}

/// What both mails about an amendment of the RGS say.
pub(crate) struct Amended<'a> {
    /// The aios's name.
    pub(crate) trainee: &'a str,
    /// The specialty or profile.
    pub(crate) specialty: &'a str,
    /// The amendment in words ("een verlenging van 3 maanden voor …").
    pub(crate) what: &'a str,
    /// A line about it ("Reden: …"), or empty.
    pub(crate) detail: &'a str,
    /// The number of the version the amendment made.
    pub(crate) number: i32,
    /// The expected end of the training afterwards, formatted, when it has one.
    pub(crate) end: Option<String>,
}

/// To the aios: the RGS amended their schedule.
#[derive(Template)]
#[template(path = "mail/trainings/amended_to_trainee.txt", escape = "none")]
pub(crate) struct AmendedToTrainee<'a> {
    /// What the RGS changed.
    pub(crate) amended: &'a Amended<'a>,
    /// The number of the version the aios's concept now lives in, when they had one.
    pub(crate) carried_concept: Option<i32>,
    /// The page of the item in full (`Config::link`): the login step returns there.
    pub(crate) link: &'a str,
}

/// To the opleider: the RGS amended the schedule of their aios.
#[derive(Template)]
#[template(path = "mail/trainings/amended_to_supervisor.txt", escape = "none")]
pub(crate) struct AmendedToSupervisor<'a> {
    /// The opleider's name.
    pub(crate) supervisor: &'a str,
    /// What the RGS changed.
    pub(crate) amended: &'a Amended<'a>,
    /// The opleider's page of the aios in full (`Config::link`).
    pub(crate) link: &'a str,
}

#[cfg(test)]
mod tests {
    //! Each mail's text, byte for byte as it was before mails were templates (from the
    //! `format!` that built it), and never HTML-escaped.
    use super::*;
    use crate::platform::mail::{SIGNATURE, text};

    #[test]
    fn the_receipt_of_a_submission_names_the_opleider_and_what_registration_waits_for() {
        let receipt = |registration| {
            text(&SubmittedReceipt {
                trainee: "<Anna>",
                supervisor: "<Jansen>",
                what: "<wat>",
                specialty: "<IGT>",
                registration,
                link: "<link>",
            })
            .unwrap()
        };
        let opening = "Beste <Anna>,\n\nU heeft <wat> ingediend voor de opleiding <IGT>. Uw \
                       opleider <Jansen> is gevraagd dit te beoordelen; u krijgt een e-mail \
                       zodra er is besloten.";
        let closing = format!("U vindt uw opleiding in MijnRGS (<link>).\n\n{SIGNATURE}");
        assert_eq!(receipt(false), format!("{opening}\n\n{closing}"));
        assert_eq!(
            receipt(true),
            format!(
                "{opening}\n\nUw inschrijving in het opleidingsregister volgt na de goedkeuring \
                 van uw opleider en de betaling van de factuur.\n\n{closing}"
            )
        );
    }

    #[test]
    fn schedule_submitted_reads_as_it_always_did() {
        let what = "een wijzigingsverzoek voor het opleidingsschema";
        let expected = format!(
            "Beste {},\n\n{} heeft {} ingediend voor de opleiding {}. U bent als oordelend \
             opleider gevraagd dit te beoordelen.\n\nLog in op MijnRGS ({}) om het schema te \
             bekijken en goed of af te keuren.\n\n{SIGNATURE}",
            "<Jansen>", "<Anna>", what, "<IGT>", "<base>",
        );
        let mail = ScheduleSubmitted {
            supervisor: "<Jansen>",
            trainee: "<Anna>",
            what,
            specialty: "<IGT>",
            link: "<base>",
        };
        assert_eq!(text(&mail).unwrap(), expected);
    }

    #[test]
    fn concept_reminder_reads_as_it_always_did() {
        let what = "Uw aanvraag tot opleidingsregistratie";
        let expected = format!(
            "Beste {},\n\n{what} voor de opleiding {} staat al een week op concept. Zolang u niet \
             indient, gebeurt er niets: uw opleider ziet het schema niet en de RGS verwerkt het \
             niet.\n\nLog in op MijnRGS ({}), controleer het schema en kies \"Indienen\". Wilt u \
             de wijziging niet meer, trek het concept dan in.\n\n{SIGNATURE}",
            "<Anna>", "<IGT>", "<base>"
        );
        let mail = ConceptReminder {
            trainee: "<Anna>",
            what,
            specialty: "<IGT>",
            link: "<base>",
        };
        assert_eq!(text(&mail).unwrap(), expected);
    }

    const CLOSED: Closed<'static> = Closed {
        trainee: "<Anna>",
        specialty: "<IGT>",
        done: "doorgehaald",
        reason: "<reden>",
    };

    fn closed_what() -> String {
        let reason = "<reden>";
        format!(
            "De RGS heeft de opleidingsregistratie van {} voor de opleiding {} {}.\n\nReden: \
             {reason}",
            "<Anna>", "<IGT>", "doorgehaald"
        )
    }

    #[test]
    fn the_mails_about_a_closed_registration_read_as_they_always_did() {
        let what = closed_what();
        let to_trainee = format!(
            "Beste {},\n\n{what}\n\nHeeft u vragen over dit besluit, neem dan contact op met de \
             RGS.\n\n{SIGNATURE}",
            "<Anna>"
        );
        let to_supervisor = format!(
            "Beste {},\n\n{what}\n\nU bent de oordelend opleider van deze aios; er is geen actie \
             van u nodig.\n\n{SIGNATURE}",
            "<Jansen>"
        );
        assert_eq!(
            text(&ClosedToTrainee { closed: &CLOSED }).unwrap(),
            to_trainee
        );
        assert_eq!(
            text(&ClosedToSupervisor {
                supervisor: "<Jansen>",
                closed: &CLOSED
            })
            .unwrap(),
            to_supervisor
        );
    }

    /// The old text of both amendment mails, for every combination of the optional parts.
    fn old_amended(
        detail: &str,
        end: Option<&str>,
        carried_concept: Option<i32>,
    ) -> (String, String) {
        let (what, number) = ("<een verlenging>", 4);
        let detail = if detail.is_empty() {
            String::new()
        } else {
            format!("\n\n{detail}")
        };
        let end = end
            .map(|end| format!("\n\nDe verwachte einddatum van de opleiding is nu {end}."))
            .unwrap_or_default();
        let carried = carried_concept
            .map(|n| {
                format!(
                    "\n\nU werkte aan een wijziging van het schema. Die staat nu als concept in \
                     versie {n}, met de wijziging van de RGS erin; u kunt er gewoon mee verder."
                )
            })
            .unwrap_or_default();
        let trainee_body = format!(
            "Beste {},\n\nDe RGS heeft {what} opgenomen in uw opleidingsschema voor de opleiding \
             {}. Dit is vastgelegd als versie {number} van het schema.{detail}{end}{carried}\n\n\
             Log in op MijnRGS ({}) om het schema te bekijken.\n\n{SIGNATURE}",
            "<Anna>", "<IGT>", "<base>"
        );
        let supervisor_body = format!(
            "Beste {},\n\nDe RGS heeft {what} opgenomen in het opleidingsschema van {} voor de \
             opleiding {}. Dit is vastgelegd als versie {number} van het schema.{detail}{end}\n\n\
             U vindt het schema in MijnRGS ({}).\n\n{SIGNATURE}",
            "<Jansen>", "<Anna>", "<IGT>", "<base>"
        );
        (trainee_body, supervisor_body)
    }

    #[test]
    fn the_mails_about_an_amendment_read_as_written_with_and_without_each_part() {
        for detail in ["", "Reden: <waarom>"] {
            for end in [None, Some("1 maart 2030")] {
                for carried_concept in [None, Some(5)] {
                    let amended = Amended {
                        trainee: "<Anna>",
                        specialty: "<IGT>",
                        what: "<een verlenging>",
                        detail,
                        number: 4,
                        end: end.map(str::to_owned),
                    };
                    let (to_trainee, to_supervisor) = old_amended(detail, end, carried_concept);
                    let trainee = AmendedToTrainee {
                        amended: &amended,
                        carried_concept,
                        link: "<base>",
                    };
                    assert_eq!(text(&trainee).unwrap(), to_trainee);
                    let supervisor = AmendedToSupervisor {
                        supervisor: "<Jansen>",
                        amended: &amended,
                        link: "<base>",
                    };
                    assert_eq!(text(&supervisor).unwrap(), to_supervisor);
                }
            }
        }
    }
}

//! The letters of the registers: the decision on a (her)registratie request and the proof of
//! registration, as PDFs in the RGS's house style (`templates/pdf/letter.typ`).

use chrono::NaiveDate;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::billing::invoices::SENDER;
use crate::platform::ids::UserId;
use crate::platform::pdf::LetterDocument;
use crate::registers::entries::{Application, Entry, Period, months_label};
use rules::person::format_date;
use rules::register_entry::last_day;
use rules::register_entry::{ApplicationKind, ApplicationStatus, Register};

/// To whom a letter goes.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Recipient {
    /// Name.
    pub name: String,
    /// Street, postcode and city (empty when unknown).
    pub street: Option<String>,
    /// Postcode.
    pub postcode: Option<String>,
    /// City.
    pub city: Option<String>,
    /// BIG-nummer.
    pub big_number: Option<String>,
}

impl Recipient {
    fn address(&self) -> Vec<String> {
        [
            self.street.clone(),
            self.postcode
                .as_ref()
                .zip(self.city.as_ref())
                .map(|(p, c)| format!("{p}  {c}")),
        ]
        .into_iter()
        .flatten()
        .collect()
    }

    fn big(&self) -> String {
        self.big_number
            .clone()
            .unwrap_or_else(|| "niet bekend".to_owned())
    }
}

/// The name, address and BIG-nummer of `user`.
pub async fn recipient(conn: &mut PgConnection, user: UserId) -> Result<Recipient, sqlx::Error> {
    sqlx::query_as!(
        Recipient,
        "SELECT u.full_name AS name, p.street, p.postcode, p.city, p.big_number
         FROM users u LEFT JOIN personal_details p ON p.user_id = u.id WHERE u.id = $1",
        user as UserId,
    )
    .fetch_one(conn)
    .await
}

fn fact(label: &str, value: impl Into<String>) -> [String; 2] {
    [label.to_owned(), value.into()]
}

fn kind_word(register: Register) -> &'static str {
    match register {
        Register::Profile => "Profiel",
        Register::Specialist => "Specialisme",
    }
}

fn reference(prefix: &str, id: Uuid) -> String {
    let simple = id.simple().to_string().to_uppercase();
    format!("{prefix}-{}", &simple[simple.len() - 10..])
}

const OBJECTION: &str = "Bent u het niet eens met dit besluit? Dan kunt u binnen zes weken na \
    de datum van dit besluit schriftelijk bezwaar maken bij de RGS, op het adres bovenaan deze \
    brief. Vermeld het kenmerk van dit besluit.";

/// The decision letter of decided request `application`, with the period it granted.
pub fn decision_letter(
    application: &Application,
    period: Option<&Period>,
    recipient: &Recipient,
    entry_until: &str,
) -> LetterDocument {
    let decided_on = application
        .decided_at
        .map(|at| format_date(at.with_timezone(&chrono_tz::Europe::Amsterdam).date_naive()))
        .unwrap_or_default();
    let submitted_on = format_date(
        application
            .submitted_at
            .with_timezone(&chrono_tz::Europe::Amsterdam)
            .date_naive(),
    );
    let register = application.register.0.label().to_lowercase();
    let mut facts = vec![
        fact("Naam", recipient.name.clone()),
        fact("BIG-nummer", recipient.big()),
        fact("Register", application.register.0.label()),
        fact(
            kind_word(application.register.0),
            application.specialty_name.clone(),
        ),
    ];
    let mut paragraphs = Vec::new();
    let mut after = Vec::new();
    let granted = application.status.0 == ApplicationStatus::Granted;
    let title = match (application.kind.0, granted) {
        (ApplicationKind::Registration, _) => {
            paragraphs.push(format!(
                "Op {submitted_on} vroeg u registratie aan na uw opleiding {}. Uw opleider gaf \
                 een positieve eindverklaring af en het registratiegeld is betaald. De RGS \
                 schrijft u in in het {register}.",
                application.specialty_name
            ));
            "Besluit: inschrijving in het register".to_owned()
        }
        (_, true) => {
            paragraphs.push(format!(
                "Op {submitted_on} vroeg u herregistratie aan in het {register} van {}. De RGS \
                 kent de herregistratie toe.",
                application.specialty_name
            ));
            "Besluit: herregistratie toegekend".to_owned()
        }
        (_, false) => {
            paragraphs.push(format!(
                "Op {submitted_on} vroeg u herregistratie aan in het {register} van {}. De RGS \
                 wijst de aanvraag af.",
                application.specialty_name
            ));
            "Besluit: herregistratie afgewezen".to_owned()
        }
    };
    if let Some(period) = period {
        facts.push(fact("Ingeschreven van", format_date(period.starts_on)));
        facts.push(fact("Tot en met", format_date(last_day(period.ends_on))));
    }
    if let Some(months) = application.granted_months {
        facts.push(fact("Duur", months_label(i32::from(months))));
    }
    if application.is_reregistration() {
        if !application.proposal_reasons.is_empty() {
            after.push(if granted {
                "Het voorstel dat MijnRGS uit uw opgave berekende, luidde:".to_owned()
            } else {
                "Uit uw opgave volgt:".to_owned()
            });
            after.extend(
                application
                    .proposal_reasons
                    .iter()
                    .map(|r| format!("– {r}")),
            );
        }
        if !application.decision_note.is_empty() {
            after.push(format!(
                "Toelichting van de RGS: {}",
                application.decision_note
            ));
        }
        if !granted {
            after.push(format!(
                "Uw inschrijving loopt tot en met {entry_until} en wordt daarna doorgehaald."
            ));
        }
    }
    after.push(OBJECTION.to_owned());
    LetterDocument {
        title,
        reference: reference(
            match application.kind.0 {
                ApplicationKind::Registration => "REG",
                ApplicationKind::Reregistration => "HER",
            },
            application.id,
        ),
        date: decided_on,
        sender: SENDER.iter().map(|l| (*l).to_owned()).collect(),
        recipient_name: recipient.name.clone(),
        recipient_address: recipient.address(),
        salutation: Some(format!(
            "Geachte {},",
            rules::person::addressed(&recipient.name)
        )),
        paragraphs,
        facts,
        after,
        closing: vec![
            "Met vriendelijke groet,".to_owned(),
            String::new(),
            "Registratiecommissie Geneeskundig Specialisten".to_owned(),
            application
                .decided_by_name
                .as_ref()
                .map(|name| format!("namens deze: {name}"))
                .unwrap_or_else(|| "namens deze: MijnRGS, na ontvangst van de betaling".to_owned()),
        ],
    }
}

/// The proof of registration of `entry` on `today`, with where to check it.
pub fn proof(
    entry: &Entry,
    recipient: &Recipient,
    today: NaiveDate,
    base_url: &url::Url,
) -> LetterDocument {
    let base = base_url.as_str().trim_end_matches('/');
    let lookup = match &recipient.big_number {
        Some(big) => format!("{base}/register?zoek={big}"),
        None => format!("{base}/register"),
    };
    LetterDocument {
        title: "Bewijs van inschrijving".to_owned(),
        reference: reference("BVI", entry.id.into()),
        date: format_date(today),
        sender: SENDER.iter().map(|l| (*l).to_owned()).collect(),
        recipient_name: recipient.name.clone(),
        recipient_address: recipient.address(),
        salutation: None,
        paragraphs: vec![format!(
            "De Registratiecommissie Geneeskundig Specialisten (RGS) verklaart dat de hieronder \
             genoemde arts is ingeschreven in het {} van {}.",
            entry.register_label().to_lowercase(),
            entry.specialty_name
        )],
        facts: vec![
            fact("Naam", recipient.name.clone()),
            fact("BIG-nummer", recipient.big()),
            fact("Register", entry.register_label()),
            fact(kind_word(entry.register.0), entry.specialty_name.clone()),
            fact("Ingeschreven sinds", entry.since()),
            fact("Geldig tot en met", entry.until()),
            fact("Status", entry.status_label()),
        ],
        after: vec![format!(
            "Deze verklaring geeft de inschrijving weer op {}. De actuele stand staat in het \
             openbare register: {lookup}",
            format_date(today)
        )],
        closing: vec!["Registratiecommissie Geneeskundig Specialisten".to_owned()],
    }
}

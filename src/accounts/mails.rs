//! The mails of accounts, each rendered from its text template under
//! `templates/mail/accounts/` (docs/architecture.md, "Mails").

use askama::Template;

/// The mail `mail/accounts/confirm_address.txt`.
#[derive(Template)]
#[template(path = "mail/accounts/confirm_address.txt", escape = "none")]
pub(crate) struct ConfirmAddress<'a> {
    /// The portal's address, without a trailing slash.
    pub(crate) base: &'a str,
    /// The link's secret.
    pub(crate) token: &'a str,
}

/// The mail `mail/accounts/address_in_use.txt`.
#[derive(Template)]
#[template(path = "mail/accounts/address_in_use.txt", escape = "none")]
pub(crate) struct AddressInUse<'a> {
    /// The portal's address, without a trailing slash.
    pub(crate) base: &'a str,
}

/// The mail `mail/accounts/username_taken.txt`.
#[derive(Template)]
#[template(path = "mail/accounts/username_taken.txt", escape = "none")]
pub(crate) struct UsernameTaken<'a> {
    /// The portal's address, without a trailing slash.
    pub(crate) base: &'a str,
}

/// The mail `mail/accounts/password_changed.txt`.
#[derive(Template)]
#[template(path = "mail/accounts/password_changed.txt", escape = "none")]
pub(crate) struct PasswordChanged<'a> {
    /// The addressee's name.
    pub(crate) name: &'a str,
    /// What happened to the password: "gewijzigd" or "opnieuw ingesteld".
    pub(crate) how: &'a str,
}

/// The mail `mail/accounts/password_reset_link.txt`.
#[derive(Template)]
#[template(path = "mail/accounts/password_reset_link.txt", escape = "none")]
pub(crate) struct PasswordResetLink<'a> {
    /// The addressee's name.
    pub(crate) name: &'a str,
    /// The portal's address, without a trailing slash.
    pub(crate) base: &'a str,
    /// The link's secret.
    pub(crate) token: &'a str,
}

/// The mail `mail/accounts/delegation_ended.txt`.
#[derive(Template)]
#[template(path = "mail/accounts/delegation_ended.txt", escape = "none")]
pub(crate) struct DelegationEnded<'a> {
    /// The addressee's name.
    pub(crate) name: &'a str,
    /// The opleider who ended it.
    pub(crate) supervisor_name: &'a str,
}

/// The mail `mail/accounts/confirm_request.txt`.
#[derive(Template)]
#[template(path = "mail/accounts/confirm_request.txt", escape = "none")]
pub(crate) struct ConfirmRequest<'a> {
    /// The portal's address, without a trailing slash.
    pub(crate) base: &'a str,
    /// The link's secret.
    pub(crate) token: &'a str,
}

/// The mail `mail/accounts/supervisor_asked.txt`.
#[derive(Template)]
#[template(path = "mail/accounts/supervisor_asked.txt", escape = "none")]
pub(crate) struct SupervisorAsked<'a> {
    /// The addressee's name.
    pub(crate) name: &'a str,
    /// The portal's address, without a trailing slash.
    pub(crate) base: &'a str,
}

/// The mail `mail/accounts/request_rejected.txt`.
#[derive(Template)]
#[template(path = "mail/accounts/request_rejected.txt", escape = "none")]
pub(crate) struct RequestRejected<'a> {
    /// The addressee's name.
    pub(crate) name: &'a str,
    /// Why, as the RGS wrote it.
    pub(crate) reason: &'a str,
}

/// The mail `mail/accounts/invitation.txt`.
#[derive(Template)]
#[template(path = "mail/accounts/invitation.txt", escape = "none")]
pub(crate) struct Invitation<'a> {
    /// The addressee's name.
    pub(crate) name: &'a str,
    /// The portal's address, without a trailing slash.
    pub(crate) base: &'a str,
    /// The link's secret.
    pub(crate) token: &'a str,
}

#[cfg(test)]
mod tests {
    //! Each mail's text, byte for byte as it was before mails were templates (from the
    //! `format!` that built it), and never HTML-escaped.
    use super::*;
    use crate::platform::mail::SIGNATURE;
    use crate::platform::mail::text;

    #[test]
    fn confirm_address_reads_as_it_always_did() {
        let base = "<base>";
        let token = "<token>";
        let expected = format!(
            "Beste heer/mevrouw,\n\n\
                 Met dit e-mailadres is zojuist een account aangemaakt in MijnRGS.\n\
                 Bevestig uw e-mailadres met deze link (48 uur geldig, één keer te gebruiken):\n\n\
                 {}/account/bevestigen/{}\n\n\
                 Daarna kunt u inloggen en uw authenticator-app koppelen.\n\
                 Heeft u dit account niet zelf aangemaakt? Dan hoeft u niets te doen: zonder \
                 bevestiging kan niemand ermee inloggen.\n\n{}",
            "<base>", "<token>", SIGNATURE
        );
        assert_eq!(text(&ConfirmAddress { base, token }).unwrap(), expected);
    }

    #[test]
    fn address_in_use_reads_as_it_always_did() {
        let base = "<base>";
        let expected = format!(
            "Beste heer/mevrouw,\n\n\
             Zojuist is geprobeerd met dit e-mailadres een nieuw account aan te maken in MijnRGS. \
             Er bestaat al een account met dit e-mailadres, dus er is geen nieuw account \
             aangemaakt.\n\n\
             Bent u uw wachtwoord vergeten? Vraag dan een nieuw wachtwoord aan:\n\
             {base}/wachtwoord-vergeten\n\n\
             Heeft u dit niet zelf gedaan? Dan hoeft u niets te doen.\n\n{SIGNATURE}",
            base = "<base>"
        );
        assert_eq!(text(&AddressInUse { base }).unwrap(), expected);
    }

    #[test]
    fn username_taken_reads_as_it_always_did() {
        let base = "<base>";
        let expected = format!(
            "Beste heer/mevrouw,\n\n\
             Zojuist is geprobeerd met dit e-mailadres een account aan te maken in MijnRGS. De \
             gekozen gebruikersnaam is al in gebruik, daarom is er geen account aangemaakt.\n\n\
             Maak opnieuw een account aan en kies een andere gebruikersnaam:\n\
             {base}/account/aanmaken\n\n\
             Heeft u dit niet zelf gedaan? Dan hoeft u niets te doen.\n\n{SIGNATURE}",
            base = "<base>"
        );
        assert_eq!(text(&UsernameTaken { base }).unwrap(), expected);
    }

    #[test]
    fn password_changed_reads_as_it_always_did() {
        let name = "<name>";
        let how = "<how>";
        let expected = format!(
            "Beste {name},\n\n\
             Het wachtwoord van uw MijnRGS-account is zojuist {how}. Alle andere sessies zijn \
             beëindigd.\n\n\
             Heeft u dit niet zelf gedaan? Neem dan direct contact op met de helpdesk.\n\n{SIGNATURE}"
        );
        assert_eq!(text(&PasswordChanged { name, how }).unwrap(), expected);
    }

    #[test]
    fn password_reset_link_reads_as_it_always_did() {
        let name = "<name>";
        let base = "<base>";
        let token = "<token>";
        let expected = format!(
            "Beste {name},\n\n\
                 Er is gevraagd om een nieuw wachtwoord voor uw MijnRGS-account. Kies een nieuw \
                 wachtwoord met deze link (één uur geldig, één keer te gebruiken):\n\n\
                 {}/wachtwoord-herstellen/{token}\n\n\
                 Heeft u dit niet zelf gevraagd? Dan hoeft u niets te doen; uw wachtwoord blijft \
                 dan zoals het is.\n\n{SIGNATURE}",
            "<base>"
        );
        assert_eq!(
            text(&PasswordResetLink { name, base, token }).unwrap(),
            expected
        );
    }

    #[test]
    fn delegation_ended_reads_as_it_always_did() {
        let name = "<name>";
        let supervisor_name = "<supervisor_name>";
        let expected = format!(
            "Beste {name},\n\n{supervisor_name} heeft in MijnRGS beëindigd dat u namens hem \
                 of haar werkt. U ziet de aios van deze opleider niet meer.\n\n{SIGNATURE}"
        );
        assert_eq!(
            text(&DelegationEnded {
                name,
                supervisor_name
            })
            .unwrap(),
            expected
        );
    }

    #[test]
    fn confirm_request_reads_as_it_always_did() {
        let base = "<base>";
        let token = "<token>";
        let expected = format!(
            "Beste heer/mevrouw,\n\n\
                 Met dit e-mailadres is zojuist een account voor MijnRGS aangevraagd. De \
                 aanvraag wordt pas behandeld als u bevestigt dat dit uw e-mailadres is. \
                 Bevestig met deze link (24 uur geldig, één keer te gebruiken):\n\n\
                 {}/account-aanvragen/bevestigen/{token}\n\n\
                 Heeft u dit niet zelf aangevraagd? Dan hoeft u niets te doen: zonder \
                 bevestiging wordt de aanvraag niet behandeld en na een week verwijderd.\n\n\
                 {SIGNATURE}",
            "<base>"
        );
        assert_eq!(text(&ConfirmRequest { base, token }).unwrap(), expected);
    }

    #[test]
    fn supervisor_asked_reads_as_it_always_did() {
        let name = "<name>";
        let base = "<base>";
        let expected = format!(
            "Beste {name},\n\n\
                     Er is een account aangevraagd voor een opleidingsondersteuner die u noemt \
                     als opleider voor wie hij of zij werkt. Het e-mailadres van de aanvrager is \
                     bevestigd. Log in bij MijnRGS om te zien wie het is en om de aanvraag te \
                     bevestigen of af te wijzen:\n\n{}/opleider/ondersteuners\n\n\
                     Kent u de aanvrager niet? Wijs de aanvraag dan af.\n\n{SIGNATURE}",
            "<base>"
        );
        assert_eq!(text(&SupervisorAsked { name, base }).unwrap(), expected);
    }

    #[test]
    fn request_rejected_reads_as_it_always_did() {
        let name = "<name>";
        let reason = "<reason>";
        let expected = format!(
            "Beste {name},\n\nUw aanvraag voor een account in MijnRGS is afgewezen.\n\n\
                 Reden: {reason}\n\nHeeft u vragen? Neem contact op met de helpdesk.\n\n{SIGNATURE}"
        );
        assert_eq!(text(&RequestRejected { name, reason }).unwrap(), expected);
    }

    #[test]
    fn invitation_reads_as_it_always_did() {
        let name = "<name>";
        let base = "<base>";
        let token = "<token>";
        let expected = format!(
            "Beste {name},\n\nUw aanvraag voor een account in MijnRGS is goedgekeurd. \
                 Kies met deze link uw gebruikersnaam en wachtwoord (14 dagen geldig, één keer \
                 te gebruiken):\n\n{}/uitnodiging/{token}\n\n\
                 Daarna logt u in en koppelt u een authenticator-app.\n\n{SIGNATURE}",
            "<base>"
        );
        assert_eq!(text(&Invitation { name, base, token }).unwrap(), expected);
    }
}

/// The mail `mail/accounts/request_received.txt`: the acknowledgement once the address of an
/// account request is confirmed, saying what happens next for its kind. It carries nothing the
/// applicant typed (docs/security.md): nobody has looked at the request yet.
#[derive(Template)]
#[template(path = "mail/accounts/request_received.txt", escape = "none")]
pub(crate) struct RequestReceived<'a> {
    /// The account asked for: "opleidingsondersteuner" or "contactpersoon".
    pub(crate) role: &'a str,
    /// For an ondersteuner: the opleiders named, who confirm first.
    pub(crate) supervisors: &'a [String],
    /// For a contactpersoon: the institution.
    pub(crate) institution: &'a str,
}

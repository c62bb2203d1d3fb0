//! The mails of billing, each rendered from its text template under
//! `templates/mail/billing/` (docs/architecture.md, "Mails").

use askama::Template;

/// The mail `mail/billing/invoice.txt`.
#[derive(Template)]
#[template(path = "mail/billing/invoice.txt", escape = "none")]
pub(crate) struct Invoice<'a> {
    /// The addressee's name.
    pub(crate) name: &'a str,
    /// What the invoice is for, in one sentence.
    pub(crate) intro: &'a str,
    /// What it costs and when it is due.
    pub(crate) what: &'a str,
}

/// The mail `mail/billing/payment_received.txt`.
#[derive(Template)]
#[template(path = "mail/billing/payment_received.txt", escape = "none")]
pub(crate) struct PaymentReceived<'a> {
    /// The addressee's name.
    pub(crate) name: &'a str,
    /// The amount paid.
    pub(crate) amount: rules::money::Money,
    /// The invoice's number.
    pub(crate) number: &'a str,
    /// What the payment completes.
    pub(crate) next_step: &'a str,
    /// The invoice's page in full (`Config::link`): the login step returns there.
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
    fn invoice_reads_as_it_always_did() {
        let name = "<name>";
        let intro = "<intro>";
        let what = "<what>";
        let expected = format!(
            "Beste {},\n\n{intro}\n\n{what}\n\nDe factuur vindt u als PDF in de \
                 bijlage.\n\n{SIGNATURE}",
            "<name>"
        );
        assert_eq!(text(&Invoice { name, intro, what }).unwrap(), expected);
    }

    #[test]
    fn payment_received_names_the_amount_and_links_to_the_invoice() {
        let name = "<name>";
        let amount = rules::money::Money::cents(49415);
        let number = "<number>";
        let next_step = "<next_step>";
        let link = "<link>";
        let expected = format!(
            "Beste {name},\n\nWij hebben uw betaling van {} voor factuur {number} \
                 ontvangen. {next_step}\n\nU vindt de factuur in MijnRGS onder Facturen ({}).\
                 \n\n{SIGNATURE}",
            amount, "<link>"
        );
        assert_eq!(
            text(&PaymentReceived {
                name,
                amount,
                number,
                next_step,
                link
            })
            .unwrap(),
            expected
        );
    }
}

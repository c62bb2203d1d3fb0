//! Payments and what they do to a registration (docs/domain/trainings.md, docs/domain/invoices.md).
//! Pure: the database layer asks these functions what a provider's report or a decision leads to,
//! inside the transaction that records it.
//!
//! A provider's report is only ever a statement of the payment's current state, which may
//! arrive late, twice or out of order; [`transition`] turns it into at most one forward step,
//! so replaying it changes nothing and a stale report never moves a payment back.

use crate::code::Coded;
use crate::training::{Invoicing, RegistrationStatus};

/// Where a payment stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PaymentStatus {
    /// Our row exists; the provider has not (yet) confirmed it.
    Creating,
    /// Created at the provider; the payer has not finished.
    Open,
    /// The bank is processing it.
    Pending,
    /// Paid.
    Paid,
    /// The bank refused it.
    Failed,
    /// The payer cancelled it.
    Canceled,
    /// Not finished in time.
    Expired,
}

crate::coded!(PaymentStatus {
    Creating => "wordt_aangemaakt",
    Open => "open",
    Pending => "in_behandeling",
    Paid => "betaald",
    Failed => "mislukt",
    Canceled => "geannuleerd",
    Expired => "verlopen",
});

impl PaymentStatus {
    /// The word the payment provider (Mollie, and the test provider that imitates it) uses for
    /// the status; stored codes are [`Coded::code`].
    pub fn provider_word(self) -> &'static str {
        match self {
            PaymentStatus::Creating => "creating",
            PaymentStatus::Open => "open",
            PaymentStatus::Pending => "pending",
            PaymentStatus::Paid => "paid",
            PaymentStatus::Failed => "failed",
            PaymentStatus::Canceled => "canceled",
            PaymentStatus::Expired => "expired",
        }
    }

    /// The status for a word the provider reports; `authorized` counts as pending.
    pub fn from_provider(word: &str) -> Option<Self> {
        if word == "authorized" {
            return Some(PaymentStatus::Pending);
        }
        Self::ALL
            .iter()
            .copied()
            .find(|s| s.provider_word() == word)
    }

    /// In Dutch, for the payer.
    pub fn label(self) -> &'static str {
        match self {
            PaymentStatus::Creating | PaymentStatus::Open => "Wacht op betaling",
            PaymentStatus::Pending => "Wordt verwerkt",
            PaymentStatus::Paid => "Betaald",
            PaymentStatus::Failed => "Mislukt",
            PaymentStatus::Canceled => "Geannuleerd",
            PaymentStatus::Expired => "Verlopen",
        }
    }

    /// Whether nothing can change it any more.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            PaymentStatus::Paid
                | PaymentStatus::Failed
                | PaymentStatus::Canceled
                | PaymentStatus::Expired
        )
    }

    /// Final without money: the invoice still waits.
    pub fn is_unsuccessful(self) -> bool {
        self.is_final() && self != PaymentStatus::Paid
    }

    fn rank(self) -> u8 {
        match self {
            PaymentStatus::Creating => 0,
            PaymentStatus::Open => 1,
            PaymentStatus::Pending => 2,
            _ => 3,
        }
    }
}

/// The status a payment in `current` moves to when the provider reports `reported`; `None`
/// when nothing changes (a replay, a stale report, or a payment already settled).
pub fn transition(current: PaymentStatus, reported: PaymentStatus) -> Option<PaymentStatus> {
    if current.is_final() || reported.rank() <= current.rank() {
        None
    } else {
        Some(reported)
    }
}

/// Where an invoice stands. A credit invoice is stored as `open` (it waits for nothing) and
/// is told apart by what it credits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InvoiceStatus {
    /// Waits for payment.
    Open,
    /// Paid.
    Paid,
    /// Cancelled by a credit invoice.
    Credited,
}

crate::coded!(InvoiceStatus {
    Open => "open",
    Paid => "betaald",
    Credited => "gecrediteerd",
});

/// Whether the registration invoice has been issued and paid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InvoiceState {
    /// Not issued yet (factureren op startdatum before the start date).
    NotIssued,
    /// Issued, waiting for payment.
    Open,
    /// Paid.
    Paid,
}

/// The registration status after the opleider approves a first schedule: *ingeschreven* once
/// paid; *onder voorwaarde van betaling* when the start-date invoice went out and waits; else
/// *goedgekeurd*, which payment completes later.
pub fn registration_on_approval(invoicing: Invoicing, invoice: InvoiceState) -> RegistrationStatus {
    match (invoicing, invoice) {
        (_, InvoiceState::Paid) => RegistrationStatus::Registered,
        (Invoicing::OnStartDate, InvoiceState::Open) => {
            RegistrationStatus::RegisteredPendingPayment
        }
        _ => RegistrationStatus::Approved,
    }
}

/// The registration status once its invoice is paid, if payment changes it: an approved or
/// conditional registration becomes *ingeschreven*; one still waiting for the opleider stays
/// so (approval completes it, see [`registration_on_approval`]).
pub fn registration_on_payment(current: RegistrationStatus) -> Option<RegistrationStatus> {
    match current {
        RegistrationStatus::Approved | RegistrationStatus::RegisteredPendingPayment => {
            Some(RegistrationStatus::Registered)
        }
        _ => None,
    }
}

/// Whether the start-date invoice is due for a registration in `current`: only a submitted or
/// approved registration is invoiced (a concept or rejected one has no effect yet).
pub fn start_date_invoice_due(current: RegistrationStatus) -> bool {
    matches!(
        current,
        RegistrationStatus::Submitted | RegistrationStatus::Approved
    )
}

/// The registration status when the start-date invoice goes out unpaid: an approved
/// registration becomes *ingeschreven onder voorwaarde van betaling*.
pub fn registration_on_start_date_invoice(
    current: RegistrationStatus,
) -> Option<RegistrationStatus> {
    (current == RegistrationStatus::Approved)
        .then_some(RegistrationStatus::RegisteredPendingPayment)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::Coded;
    use proptest::prelude::*;

    #[test]
    fn codes_and_provider_words_round_trip_and_authorized_counts_as_pending() {
        for &status in PaymentStatus::ALL {
            assert_eq!(PaymentStatus::from_code(status.code()), Some(status));
            assert_eq!(
                PaymentStatus::from_provider(status.provider_word()),
                Some(status)
            );
        }
        assert_eq!(
            PaymentStatus::from_provider("authorized"),
            Some(PaymentStatus::Pending)
        );
        assert_eq!(PaymentStatus::from_provider("refunded"), None);
    }

    #[test]
    fn an_open_payment_moves_to_whatever_final_state_is_reported() {
        for reported in [
            PaymentStatus::Paid,
            PaymentStatus::Failed,
            PaymentStatus::Canceled,
            PaymentStatus::Expired,
        ] {
            assert_eq!(transition(PaymentStatus::Open, reported), Some(reported));
            assert_eq!(
                transition(PaymentStatus::Creating, reported),
                Some(reported)
            );
            assert_eq!(transition(PaymentStatus::Pending, reported), Some(reported));
        }
    }

    #[test]
    fn a_settled_payment_never_changes_again() {
        for current in PaymentStatus::ALL.iter().copied().filter(|s| s.is_final()) {
            for &reported in PaymentStatus::ALL {
                assert_eq!(
                    transition(current, reported),
                    None,
                    "{current:?} {reported:?}"
                );
            }
        }
    }

    #[test]
    fn a_stale_report_does_not_move_a_payment_back() {
        assert_eq!(
            transition(PaymentStatus::Pending, PaymentStatus::Open),
            None
        );
        assert_eq!(transition(PaymentStatus::Open, PaymentStatus::Open), None);
        assert_eq!(
            transition(PaymentStatus::Open, PaymentStatus::Pending),
            Some(PaymentStatus::Pending)
        );
    }

    #[test]
    fn approval_registers_once_paid_and_is_conditional_while_the_start_date_invoice_waits() {
        use Invoicing::*;
        assert_eq!(
            registration_on_approval(OnSubmission, InvoiceState::Paid),
            RegistrationStatus::Registered
        );
        assert_eq!(
            registration_on_approval(OnSubmission, InvoiceState::Open),
            RegistrationStatus::Approved
        );
        assert_eq!(
            registration_on_approval(OnStartDate, InvoiceState::NotIssued),
            RegistrationStatus::Approved
        );
        assert_eq!(
            registration_on_approval(OnStartDate, InvoiceState::Open),
            RegistrationStatus::RegisteredPendingPayment
        );
        assert_eq!(
            registration_on_approval(OnStartDate, InvoiceState::Paid),
            RegistrationStatus::Registered
        );
    }

    #[test]
    fn payment_registers_only_an_approved_or_conditional_registration() {
        for &status in RegistrationStatus::ALL {
            let expected = matches!(
                status,
                RegistrationStatus::Approved | RegistrationStatus::RegisteredPendingPayment
            )
            .then_some(RegistrationStatus::Registered);
            assert_eq!(registration_on_payment(status), expected, "{status:?}");
        }
    }

    #[test]
    fn the_start_date_invoice_makes_an_approved_registration_conditional() {
        assert_eq!(
            registration_on_start_date_invoice(RegistrationStatus::Approved),
            Some(RegistrationStatus::RegisteredPendingPayment)
        );
        assert_eq!(
            registration_on_start_date_invoice(RegistrationStatus::Submitted),
            None
        );
        assert!(start_date_invoice_due(RegistrationStatus::Submitted));
        assert!(!start_date_invoice_due(RegistrationStatus::Concept));
        assert!(!start_date_invoice_due(RegistrationStatus::Rejected));
    }

    fn any_status() -> impl Strategy<Value = PaymentStatus> {
        proptest::sample::select(PaymentStatus::ALL.to_vec())
    }

    proptest! {
        /// docs/security.md §9: whatever sequence of reports arrives (duplicates, stale ones, in
        /// any order), a payment is paid at most once and never leaves a final state.
        #[test]
        fn any_sequence_of_reports_pays_at_most_once_and_never_regresses(
            reports in proptest::collection::vec(any_status(), 0..40)
        ) {
            let mut current = PaymentStatus::Creating;
            let mut paid_transitions = 0;
            for reported in reports {
                if let Some(next) = transition(current, reported) {
                    prop_assert!(next.rank() > current.rank());
                    prop_assert!(!current.is_final());
                    if next == PaymentStatus::Paid {
                        paid_transitions += 1;
                    }
                    current = next;
                }
            }
            prop_assert!(paid_transitions <= 1);
        }
    }
}

//! What waits for a user in billing, as the start page lists it: every invoice still to be
//! paid, with its amount and due date and the way to pay it (docs/domain/invoices.md).

use crate::billing::invoices::Invoice;
use crate::web::tasks::{Link, Task};
use chrono::NaiveDate;
use rules::person::format_date;

/// What to pay of `invoices` (a user's, as `invoices_of_user` reads them) on `today`: each
/// open one, oldest due date first.
pub fn open_invoices(invoices: Vec<Invoice>, today: NaiveDate) -> Vec<Task> {
    let mut open: Vec<Invoice> = invoices.into_iter().filter(Invoice::is_open).collect();
    open.sort_by_key(|invoice| (invoice.due_on, invoice.number.clone()));
    open.into_iter()
        .map(|invoice| {
            let due = if invoice.due_on < today {
                format!(
                    "de betaaltermijn is verlopen op {}",
                    format_date(invoice.due_on)
                )
            } else {
                format!("te betalen uiterlijk {}", format_date(invoice.due_on))
            };
            Task::to_do(
                format!(
                    "Uw factuur {} van {} staat open: {due}. {}.",
                    invoice.number,
                    invoice.amount(),
                    invoice.description
                ),
                Link::new(
                    format!("/facturen/{}", invoice.id),
                    format!("Factuur {} bekijken en betalen", invoice.number),
                ),
            )
        })
        .collect()
}

//! How values read on a page that are not text of their own: the CSS modifier of a status tag.
//! Dates are written by `rules::person::format_date`, money by `rules::money::Money`.

use rules::training::RegistrationStatus;

/// The CSS modifier of a registration's status tag: done, still to do, or neutral. Takes the
/// status however deeply a template borrows it.
pub fn registration_tag(status: impl Status) -> &'static str {
    match status.status() {
        RegistrationStatus::Registered | RegistrationStatus::Completed => "tag--done",
        RegistrationStatus::Concept | RegistrationStatus::Rejected => "tag--todo",
        _ => "",
    }
}

/// A registration status, or a reference to one (templates hand their values by reference).
pub trait Status {
    /// The status itself.
    fn status(&self) -> RegistrationStatus;
}

impl Status for RegistrationStatus {
    fn status(&self) -> RegistrationStatus {
        *self
    }
}

impl<T: Status + ?Sized> Status for &T {
    fn status(&self) -> RegistrationStatus {
        (**self).status()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_registered_or_completed_training_is_tagged_done_and_a_concept_or_rejection_to_do() {
        assert_eq!(
            registration_tag(RegistrationStatus::Registered),
            "tag--done"
        );
        assert_eq!(registration_tag(RegistrationStatus::Completed), "tag--done");
        assert_eq!(registration_tag(RegistrationStatus::Concept), "tag--todo");
        // As a template hands it: borrowed twice.
        let borrowed: &&RegistrationStatus = &&RegistrationStatus::Rejected;
        assert_eq!(registration_tag(borrowed), "tag--todo");
        assert_eq!(registration_tag(RegistrationStatus::Submitted), "");
    }
}

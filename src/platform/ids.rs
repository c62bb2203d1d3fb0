//! Typed ids of the main records (docs/architecture.md, "Typed ids"): a training's id cannot be
//! passed where a user's or a version's is expected. Each is a UUID underneath, stored as
//! `uuid` (sqlx transparent), written in URLs and JSON as the UUID's text, and read from a path
//! segment by serde, so a malformed id in a URL is refused like a malformed UUID.
//!
//! In a checked statement a column is read as an id with an override (`id AS "id: TrainingId"`)
//! and a bind parameter says which id it takes (`training as TrainingId`): the macros leave the
//! cast in place, so passing a user's id there is a compile error.

use std::fmt;

use uuid::Uuid;

macro_rules! ids {
    ($($(#[$doc:meta])* $name:ident;)+) => {$(
        $(#[$doc])*
        #[derive(
            Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize, sqlx::Type,
        )]
        #[serde(transparent)]
        #[sqlx(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A new id for a record about to be inserted (time-ordered, UUIDv7).
            pub fn generate() -> Self {
                Self(Uuid::now_v7())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = uuid::Error;
            fn from_str(text: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(text).map(Self)
            }
        }

        impl From<$name> for Uuid {
            fn from(id: $name) -> Uuid {
                id.0
            }
        }
    )+};
}

ids! {
    /// A training (`trainings.id`): one aios's registration in one specialty or profile.
    TrainingId;
    /// A version of a training's schedule (`schedule_versions.id`).
    VersionId;
    /// An invoice or a credit invoice (`invoices.id`).
    InvoiceId;
    /// One attempt to pay an invoice through the payment provider (`payments.id`).
    PaymentId;
    /// An entry in the specialists' or the profile register (`register_entries.id`).
    RegisterEntryId;
    /// A user's account (`users.id`): an aios, an opleider, an RGS employee, anyone who logs in.
    UserId;
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "0191f3a4-6f1e-7c3b-9a2d-3e4f5a6b7c8d";

    #[test]
    fn an_id_is_written_and_read_as_the_text_of_its_uuid() {
        let id: TrainingId = serde_json::from_str(&format!("\"{TEXT}\"")).unwrap();
        assert_eq!(id.to_string(), TEXT);
        assert_eq!(serde_json::to_string(&id).unwrap(), format!("\"{TEXT}\""));
        assert_eq!(Uuid::from(id), Uuid::parse_str(TEXT).unwrap());
    }

    #[test]
    fn a_malformed_id_is_refused() {
        assert!(serde_json::from_str::<TrainingId>("\"12345\"").is_err());
        assert!(serde_json::from_str::<TrainingId>("42").is_err());
        assert!("12345".parse::<VersionId>().is_err());
    }

    #[test]
    fn an_id_in_a_form_field_is_read_back_as_its_type() {
        let version: VersionId = TEXT.parse().unwrap();
        assert_eq!(version.0, Uuid::parse_str(TEXT).unwrap());
    }

    #[test]
    fn generated_ids_are_new_and_ordered_by_time() {
        let (first, second) = (TrainingId::generate(), TrainingId::generate());
        assert_ne!(first, second);
        assert!(first < second);
    }
}

//! The payment service providers, as transports (as `mail` is the transport of mail): the
//! interface every provider is used through, Mollie, and the built-in test provider. What a
//! payment means for an invoice is in `billing::payments`; the test provider's checkout page in
//! `billing::payment_pages`.

pub mod mollie;
pub mod provider;
pub mod test_provider;

//! The back office's reference-data routes: the index page, the four kinds whose pages are
//! generic ([`super::kinds`] over [`super::pages`]) and the specialties' own pages
//! ([`super::specialty_pages`]). It sits above those files, so they never import it.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::routing::{get, post};

use crate::platform::state::AppState;
use crate::reference_data::kinds::{Fees, Institutes, Institutions, InterruptionTypes};
use crate::reference_data::pages::{add, item, list, save};
use crate::reference_data::specialty_pages::{
    add_recognition, add_specialty, link_institute, save_part, save_specialty, specialties,
    specialty, unlink_institute, withdraw_recognition,
};
use crate::web::current_user::{Rgs, RoleUser};
use crate::web::layout::Layout;

/// The reference data routes.
pub fn router() -> Router<AppState> {
    // The paths are written out, as every route's is (the authorisation table is checked
    // against them); each kind's `PATH` names the same list, and its add and edit tests post
    // to the form actions built from it.
    Router::new()
        .route("/rgs/referentiegegevens", get(index))
        .route(
            "/rgs/referentiegegevens/instellingen",
            get(list::<Institutions>).post(add::<Institutions>),
        )
        .route(
            "/rgs/referentiegegevens/instellingen/{id}",
            get(item::<Institutions>).post(save::<Institutions>),
        )
        .route(
            "/rgs/referentiegegevens/instituten",
            get(list::<Institutes>).post(add::<Institutes>),
        )
        .route(
            "/rgs/referentiegegevens/instituten/{id}",
            get(item::<Institutes>).post(save::<Institutes>),
        )
        .route(
            "/rgs/referentiegegevens/onderbrekingen",
            get(list::<InterruptionTypes>).post(add::<InterruptionTypes>),
        )
        .route(
            "/rgs/referentiegegevens/onderbrekingen/{code}",
            get(item::<InterruptionTypes>).post(save::<InterruptionTypes>),
        )
        .route(
            "/rgs/referentiegegevens/tarieven",
            get(list::<Fees>).post(add::<Fees>),
        )
        .route(
            "/rgs/referentiegegevens/tarieven/{id}",
            get(item::<Fees>).post(save::<Fees>),
        )
        .route(
            "/rgs/referentiegegevens/specialismen",
            get(specialties).post(add_specialty),
        )
        .route(
            "/rgs/referentiegegevens/specialismen/{id}",
            get(specialty).post(save_specialty),
        )
        .route(
            "/rgs/referentiegegevens/specialismen/{id}/onderdelen/{position}",
            post(save_part),
        )
        .route(
            "/rgs/referentiegegevens/specialismen/{id}/erkenningen",
            post(add_recognition),
        )
        .route(
            "/rgs/referentiegegevens/specialismen/{id}/erkenningen/{institution}/intrekken",
            post(withdraw_recognition),
        )
        .route(
            "/rgs/referentiegegevens/specialismen/{id}/instituten",
            post(link_institute),
        )
        .route(
            "/rgs/referentiegegevens/specialismen/{id}/instituten/{institute}/ontkoppelen",
            post(unlink_institute),
        )
}

/// The index.
#[derive(Template, WebTemplate)]
#[template(path = "reference_data/index.html")]
pub struct IndexPage {
    layout: Layout,
}

async fn index(_clerk: RoleUser<Rgs>, layout: Layout) -> IndexPage {
    IndexPage { layout }
}

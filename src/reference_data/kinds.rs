//! The four kinds of reference data whose pages are the same (docs/domain/reference-data.md):
//! institutions, institutes, interruption types and fees. Each is a [`Kind`]: what its form
//! asks, how it is read and saved, and how its list shows it; the pages themselves are the
//! generic ones in [`super::pages`].

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use crate::platform::audit::Origin;
use crate::platform::ids::UserId;
use crate::platform::state::AppState;
use crate::reference_data::pages::{Field, Kind, RefForm, item_code};
use crate::reference_data::upkeep::{
    self as admin, FeeInput, InstituteInput, InstitutionInput, InterruptionTypeInput, SaveError,
};
use crate::web::form::FormErrors;
use rules::reference_data as reference_rules;

/// Ziekenhuizen, praktijken and other places where a period of a training takes place.
pub struct Institutions;

impl Kind for Institutions {
    type Key = Uuid;
    type Item = admin::Institution;
    type Input = InstitutionInput;

    const PATH: &'static str = "instellingen";
    const TITLE: &'static str = "Opleidingsinrichtingen";
    const INTRO: &'static str = "Ziekenhuizen, praktijken en andere instellingen waar periodes \
        van een opleiding plaatsvinden. Een naam of plaats wijzigen verandert niets aan \
        vastgestelde schema's of facturen; die tonen voortaan de nieuwe naam.";
    const COLUMNS: &'static [&'static str] = &["Naam", "Plaats", "Soort"];
    const ADD_TITLE: &'static str = "Instelling toevoegen";
    const ADD_FIELD: &'static str = "naam";
    const EDIT_FIELD: &'static str = "naam";

    fn fields(form: &RefForm, _new: bool) -> Vec<Field> {
        vec![
            Field::text("naam", "Naam", &form.naam, ""),
            Field::text("plaats", "Plaats", &form.plaats, ""),
            Field::select(
                "soort",
                "Soort",
                &form.soort,
                &reference_rules::INSTITUTION_KINDS,
            ),
        ]
    }

    fn parse(form: &RefForm, _existing: Option<&Self::Item>) -> Result<Self::Input, FormErrors> {
        let mut errors = FormErrors::new();
        let name = name(form, &mut errors);
        let city = city(form, &mut errors);
        let kind = reference_rules::parse_institution_kind(&form.soort)
            .map_err(|m| errors.add("soort", m))
            .ok();
        match (name, city, kind) {
            (Some(name), Some(city), Some(kind)) => Ok(InstitutionInput { name, city, kind }),
            _ => Err(errors),
        }
    }

    async fn list(db: &PgPool) -> Result<Vec<Self::Item>, sqlx::Error> {
        admin::institutions(db).await
    }

    async fn find(db: &PgPool, key: &Uuid) -> Result<Option<Self::Item>, sqlx::Error> {
        admin::institution(db, *key).await
    }

    async fn save(
        (state, meta): (&AppState, &Origin),
        clerk: UserId,
        existing: Option<(&Self::Item, DateTime<Utc>)>,
        input: &Self::Input,
    ) -> Result<(), SaveError> {
        let existing = existing.map(|(found, based_on)| (found.id, based_on));
        admin::save_institution(state, meta, clerk, existing, input)
            .await
            .map(drop)
    }

    fn key(item: &Self::Item) -> String {
        item.id.to_string()
    }

    fn cells(item: Self::Item) -> Vec<String> {
        let kind = reference_rules::INSTITUTION_KINDS
            .iter()
            .find(|(code, _)| *code == item.kind)
            .map_or(item.kind.clone(), |(_, label)| (*label).to_owned());
        vec![item.name, item.city, kind]
    }

    fn form_of(item: &Self::Item) -> RefForm {
        RefForm {
            naam: item.name.clone(),
            plaats: item.city.clone(),
            soort: item.kind.clone(),
            ..RefForm::default()
        }
    }

    fn title(item: &Self::Item) -> String {
        item.name.clone()
    }

    fn version(item: &Self::Item) -> DateTime<Utc> {
        item.updated_at
    }

    fn subject(input: &Self::Input) -> String {
        input.name.clone()
    }
}

/// The institutes that run an institute-based training, such as the huisartsopleiding.
pub struct Institutes;

impl Kind for Institutes {
    type Key = Uuid;
    type Item = admin::Institute;
    type Input = InstituteInput;

    const PATH: &'static str = "instituten";
    const TITLE: &'static str = "Opleidingsinstituten";
    const INTRO: &'static str =
        "Instituten die een instituutsopleiding verzorgen, zoals de huisartsopleiding.";
    const COLUMNS: &'static [&'static str] = &["Naam", "Plaats", "Code"];
    const ADD_TITLE: &'static str = "Instituut toevoegen";
    const ADD_FIELD: &'static str = "code";
    const EDIT_FIELD: &'static str = "naam";

    fn fields(form: &RefForm, new: bool) -> Vec<Field> {
        let mut fields: Vec<Field> = Field::code(
            form,
            new,
            "Kleine letters, cijfers en streepjes; de code verandert later niet.",
        )
        .into_iter()
        .collect();
        fields.push(Field::text("naam", "Naam", &form.naam, ""));
        fields.push(Field::text("plaats", "Plaats", &form.plaats, ""));
        fields
    }

    fn parse(form: &RefForm, existing: Option<&Self::Item>) -> Result<Self::Input, FormErrors> {
        let mut errors = FormErrors::new();
        let code = item_code(
            form,
            existing.map(|found| found.code.as_str()),
            reference_rules::parse_code,
            &mut errors,
        );
        let name = name(form, &mut errors);
        let city = city(form, &mut errors);
        match (code, name, city) {
            (Some(code), Some(name), Some(city)) => Ok(InstituteInput { code, name, city }),
            _ => Err(errors),
        }
    }

    async fn list(db: &PgPool) -> Result<Vec<Self::Item>, sqlx::Error> {
        admin::institutes(db).await
    }

    async fn find(db: &PgPool, key: &Uuid) -> Result<Option<Self::Item>, sqlx::Error> {
        admin::institute(db, *key).await
    }

    async fn save(
        (state, meta): (&AppState, &Origin),
        clerk: UserId,
        existing: Option<(&Self::Item, DateTime<Utc>)>,
        input: &Self::Input,
    ) -> Result<(), SaveError> {
        let existing = existing.map(|(found, based_on)| (found.id, based_on));
        admin::save_institute(state, meta, clerk, existing, input)
            .await
            .map(drop)
    }

    fn key(item: &Self::Item) -> String {
        item.id.to_string()
    }

    fn cells(item: Self::Item) -> Vec<String> {
        vec![item.name, item.city, item.code]
    }

    fn form_of(item: &Self::Item) -> RefForm {
        RefForm {
            naam: item.name.clone(),
            plaats: item.city.clone(),
            ..RefForm::default()
        }
    }

    fn title(item: &Self::Item) -> String {
        item.name.clone()
    }

    fn version(item: &Self::Item) -> DateTime<Utc> {
        item.updated_at
    }

    fn subject(input: &Self::Input) -> String {
        input.name.clone()
    }
}

/// The kinds of interruption, and whether each counts towards the 10 working days a year that
/// need not be made up. Named by their code, which never changes.
pub struct InterruptionTypes;

impl Kind for InterruptionTypes {
    type Key = String;
    type Item = admin::InterruptionType;
    type Input = InterruptionTypeInput;

    const PATH: &'static str = "onderbrekingen";
    const TITLE: &'static str = "Soorten onderbreking";
    const INTRO: &'static str = "Of een soort meetelt voor de 10 werkdagen per opleidingsjaar, \
        bepaalt hoeveel dagen een aios moet inhalen. Een wijziging geldt voor elke controle van \
        een schema vanaf nu; vastgestelde besluiten blijven zoals ze zijn.";
    const COLUMNS: &'static [&'static str] = &["Naam", "Telt mee voor 10 dagen", "Code"];
    const ADD_TITLE: &'static str = "Soort toevoegen";
    const ADD_FIELD: &'static str = "code";
    const EDIT_FIELD: &'static str = "naam";

    fn fields(form: &RefForm, new: bool) -> Vec<Field> {
        let mut fields: Vec<Field> = Field::code(
            form,
            new,
            "Kleine letters en lage streepjes; de code verandert later niet.",
        )
        .into_iter()
        .collect();
        fields.push(Field::text("naam", "Naam", &form.naam, ""));
        fields.push(Field::checkbox(
            "telt_mee",
            "Telt mee voor de 10 werkdagen per opleidingsjaar die niet hoeven te worden \
             ingehaald",
            form.telt_mee.is_some(),
        ));
        fields
    }

    fn parse(form: &RefForm, existing: Option<&Self::Item>) -> Result<Self::Input, FormErrors> {
        let mut errors = FormErrors::new();
        let code = item_code(
            form,
            existing.map(|found| found.code.as_str()),
            reference_rules::parse_type_code,
            &mut errors,
        );
        let name = name(form, &mut errors);
        match (code, name) {
            (Some(code), Some(name)) => Ok(InterruptionTypeInput {
                code,
                name,
                counts_towards_limit: form.telt_mee.is_some(),
            }),
            _ => Err(errors),
        }
    }

    async fn list(db: &PgPool) -> Result<Vec<Self::Item>, sqlx::Error> {
        admin::interruption_types(db).await
    }

    async fn find(db: &PgPool, key: &String) -> Result<Option<Self::Item>, sqlx::Error> {
        admin::interruption_type(db, key).await
    }

    async fn save(
        (state, meta): (&AppState, &Origin),
        clerk: UserId,
        existing: Option<(&Self::Item, DateTime<Utc>)>,
        input: &Self::Input,
    ) -> Result<(), SaveError> {
        let based_on = existing.map(|(_, based_on)| based_on);
        admin::save_interruption_type(state, meta, clerk, based_on, input).await
    }

    fn key(item: &Self::Item) -> String {
        item.code.clone()
    }

    fn cells(item: Self::Item) -> Vec<String> {
        let counts = if item.counts_towards_limit {
            "Ja"
        } else {
            "Nee"
        };
        vec![item.name, counts.to_owned(), item.code]
    }

    fn form_of(item: &Self::Item) -> RefForm {
        RefForm {
            naam: item.name.clone(),
            telt_mee: item.counts_towards_limit.then(|| "ja".to_owned()),
            ..RefForm::default()
        }
    }

    fn title(item: &Self::Item) -> String {
        item.name.clone()
    }

    fn version(item: &Self::Item) -> DateTime<Utc> {
        item.updated_at
    }

    fn subject(input: &Self::Input) -> String {
        input.name.clone()
    }
}

/// The fees by year, product and cluster. A fee that may be on an issued invoice cannot
/// change: a new amount is a fee for a later year.
pub struct Fees;

const CLUSTERS: [(&str, &str); 4] = [
    ("", "Alle clusters"),
    ("1", "Cluster 1"),
    ("2", "Cluster 2"),
    ("3", "Cluster 3"),
];

impl Kind for Fees {
    type Key = Uuid;
    type Item = admin::Fee;
    type Input = FeeInput;

    const PATH: &'static str = "tarieven";
    const TITLE: &'static str = "Tarieven";
    const INTRO: &'static str = "Een factuur krijgt het tarief van het laatste jaar tot en met \
        het factuurjaar. Uitgegeven facturen veranderen nooit; een tarief dat al op een factuur \
        kan staan, blijft vastgesteld. Een nieuw bedrag voert u in als tarief voor een volgend \
        jaar.";
    const COLUMNS: &'static [&'static str] = &["Jaar", "Product", "Cluster", "Bedrag", "Status"];
    const ADD_TITLE: &'static str = "Tarief toevoegen";
    const ADD_FIELD: &'static str = "jaar";
    const EDIT_FIELD: &'static str = "bedrag";

    fn fields(form: &RefForm, new: bool) -> Vec<Field> {
        let mut fields = Vec::new();
        if new {
            fields.push(Field::text(
                "jaar",
                "Vanaf jaar",
                &form.jaar,
                "Het tarief geldt voor facturen vanaf dit jaar, tot er een tarief voor een \
                 later jaar is.",
            ));
            fields.push(Field::select(
                "product",
                "Product",
                &form.product,
                &reference_rules::PRODUCTS,
            ));
            fields.push(Field::select(
                "cluster",
                "Cluster",
                &form.cluster,
                &CLUSTERS,
            ));
        }
        fields.push(Field::text(
            "bedrag",
            "Bedrag inclusief 21 % btw",
            &form.bedrag,
            "In euro, bijvoorbeeld 494,15.",
        ));
        fields
    }

    fn parse(form: &RefForm, existing: Option<&Self::Item>) -> Result<Self::Input, FormErrors> {
        let mut errors = FormErrors::new();
        let product = |code: &str| {
            reference_rules::PRODUCTS
                .iter()
                .find(|(known, _)| *known == code)
                .map(|(known, _)| *known)
        };
        // An existing fee keeps its year, product and cluster; only its amount changes.
        let (year, product, cluster) = match existing {
            Some(found) => (
                Some(found.year),
                product(&found.product).or_else(|| {
                    errors.add(
                        "bedrag",
                        "Dit tarief hoort bij een onbekend product en kan niet worden gewijzigd.",
                    );
                    None
                }),
                Some(found.cluster),
            ),
            None => (
                reference_rules::parse_year(&form.jaar)
                    .map_err(|m| errors.add("jaar", m))
                    .ok(),
                product(&form.product).or_else(|| {
                    errors.add("product", "Kies het product.");
                    None
                }),
                reference_rules::parse_fee_cluster(&form.cluster)
                    .map_err(|m| errors.add("cluster", m))
                    .ok(),
            ),
        };
        let amount = reference_rules::parse_fee(&form.bedrag)
            .map_err(|m| errors.add("bedrag", m))
            .ok();
        match (year, product, cluster, amount) {
            (Some(year), Some(product), Some(cluster), Some(amount_cents)) => Ok(FeeInput {
                year,
                product,
                cluster,
                amount_cents,
            }),
            _ => Err(errors),
        }
    }

    async fn list(db: &PgPool) -> Result<Vec<Self::Item>, sqlx::Error> {
        admin::fees(db).await
    }

    async fn find(db: &PgPool, key: &Uuid) -> Result<Option<Self::Item>, sqlx::Error> {
        admin::fee(db, *key).await
    }

    async fn save(
        (state, meta): (&AppState, &Origin),
        clerk: UserId,
        existing: Option<(&Self::Item, DateTime<Utc>)>,
        input: &Self::Input,
    ) -> Result<(), SaveError> {
        let existing = existing.map(|(found, based_on)| (found.id, based_on));
        admin::save_fee(state, meta, clerk, existing, input)
            .await
            .map(drop)
    }

    fn key(item: &Self::Item) -> String {
        item.id.to_string()
    }

    fn cells(item: Self::Item) -> Vec<String> {
        let status = if item.may_change {
            "Nog niet gefactureerd"
        } else {
            "Vastgesteld"
        };
        vec![
            item.year.to_string(),
            item.product_label().to_owned(),
            item.cluster
                .map_or("Alle clusters".to_owned(), |c| format!("Cluster {c}")),
            item.amount(),
            status.to_owned(),
        ]
    }

    fn form_of(item: &Self::Item) -> RefForm {
        RefForm {
            bedrag: item.amount().trim_start_matches("€").trim().to_owned(),
            ..RefForm::default()
        }
    }

    fn title(item: &Self::Item) -> String {
        format!(
            "Tarief {} {}: {}",
            item.product_label().to_lowercase(),
            item.cluster
                .map_or("alle clusters".to_owned(), |c| format!("cluster {c}")),
            item.year
        )
    }

    fn version(item: &Self::Item) -> DateTime<Utc> {
        item.updated_at
    }

    fn subject(_input: &Self::Input) -> String {
        "Het tarief".to_owned()
    }

    fn locked(item: &Self::Item) -> Option<String> {
        (!item.may_change).then(|| {
            format!(
                "Dit tarief ({}) kan op een uitgegeven factuur staan en blijft daarom zoals het \
                 is. Voeg een tarief toe voor het jaar waarin een nieuw bedrag gaat gelden.",
                item.amount()
            )
        })
    }
}

/// The name every kind asks for: 2 to 200 characters.
pub(super) fn name(form: &RefForm, errors: &mut FormErrors) -> Option<String> {
    reference_rules::parse_text(&form.naam, 2, 200, "de naam")
        .map_err(|m| errors.add("naam", m))
        .ok()
}

fn city(form: &RefForm, errors: &mut FormErrors) -> Option<String> {
    reference_rules::parse_text(&form.plaats, 2, 100, "de plaats")
        .map_err(|m| errors.add("plaats", m))
        .ok()
}

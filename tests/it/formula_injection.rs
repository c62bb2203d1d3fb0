//! A name that is a spreadsheet formula reaches the contactpersoon's CSV and XLSX downloads as
//! plain text (CSV injection, docs/security.md §10): never at the start of a cell, never as a formula.

use crate::helpers::database::database;

use crate::helpers::TestApp;
use crate::helpers::accounts::log_in_demo;
use crate::reports::{csv_rows, download, institution, xlsx_rows, zip_entry};

const FORMULA: &str = r#"=HYPERLINK("http://x","y")"#;

/// Whether a spreadsheet would read `cell` as a formula.
fn starts_a_formula(cell: &str) -> bool {
    cell.starts_with(['=', '+', '-', '@'])
}

#[tokio::test]
async fn a_name_that_is_a_formula_reaches_the_csv_and_xlsx_downloads_as_plain_text() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    // Noor, with a schedule at the Radboudumc in 2027, renames herself to a formula.
    crate::supervision::submitted_training(&app).await;
    let form: Vec<(&str, &str)> = crate::aios::DETAILS
        .iter()
        .map(|&(field, value)| match field {
            "naam" => (field, FORMULA),
            "revisie" => (field, "1"),
            _ => (field, value),
        })
        .collect();
    let saved = app.post_form("/aios/basisgegevens", &form).await;
    assert_eq!(saved.status(), reqwest::StatusCode::SEE_OTHER);

    let contact = app.new_client();
    log_in_demo(&app, &contact, "demo.contactpersoon").await;
    let radboud = institution(&app, "Radboudumc").await;
    let base = format!("/contactpersoon/instellingen/{radboud}/rapport");
    let query = "soort=peildatum&peildatum=01-06-2027";

    let csv = download(&app, &contact, &format!("{base}.csv?{query}"))
        .await
        .bytes()
        .await
        .unwrap();
    let (_, rows) = csv_rows(&csv);
    let noor = rows
        .iter()
        .find(|row| row[1] == "19087654301")
        .expect("Noor in the CSV");
    assert_eq!(noor[0], format!("'{FORMULA}"), "the name, defused");
    for cell in rows.iter().flatten() {
        assert!(!starts_a_formula(cell), "CSV cell {cell:?}");
    }

    let xlsx = download(&app, &contact, &format!("{base}.xlsx?{query}"))
        .await
        .bytes()
        .await
        .unwrap();
    let rows = xlsx_rows(xlsx.to_vec());
    let noor = rows
        .iter()
        .find(|row| row[1] == "19087654301")
        .expect("Noor in the XLSX");
    assert_eq!(noor[0], format!("'{FORMULA}"));
    for cell in rows.iter().flatten() {
        assert!(!starts_a_formula(cell), "XLSX cell {cell:?}");
    }
    // In the sheet itself: no formula anywhere, and every name cell (column A) is a string.
    let sheet = zip_entry(&xlsx, "xl/worksheets/sheet1.xml");
    assert!(!sheet.contains("<f>") && !sheet.contains("<f "), "{sheet}");
    let names: Vec<&str> = sheet
        .split("<c ")
        .skip(1)
        .filter(|cell| cell.starts_with("r=\"A"))
        .collect();
    assert!(names.len() > 1, "{sheet}");
    for cell in names {
        let tag = &cell[..cell.find('>').unwrap()];
        assert!(
            tag.contains(r#"t="s""#) || tag.contains(r#"t="inlineStr""#),
            "a name cell that is not a string: <c {tag}>"
        );
    }
}

//! PDF rendering with [typst](https://typst.app), fully offline.
//!
//! Templates live in `templates/pdf/` and the fonts in `assets/fonts/`; both
//! are embedded in the binary. Data is handed to a template as one JSON
//! string in `sys.inputs.data` (decoded there with `json(bytes(..))`), so user
//! text is never spliced into typst source and markup characters such as `#`,
//! `$`, `*` or `[` print literally.

use serde::Serialize;
use typst::diag::SourceDiagnostic;
use typst::foundations::{Bytes, Dict, IntoValue, Str};
use typst::text::Font;
use typst_as_lib::{TypstAsLibError, TypstEngine};

const FONT_REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
const FONT_BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");
const INVOICE_TEMPLATE: &str = include_str!("../../templates/pdf/invoice.typ");
const REGISTER_REPORT_TEMPLATE: &str = include_str!("../../templates/pdf/register_report.typ");
const LETTER_TEMPLATE: &str = include_str!("../../templates/pdf/letter.typ");

/// A letter from the RGS (a decision, a proof of registration), already formatted in Dutch.
#[derive(Debug, Clone, Serialize)]
pub struct LetterDocument {
    /// The heading, e.g. "Besluit op uw aanvraag om registratie"; also the PDF's title.
    pub title: String,
    /// Our reference (kenmerk).
    pub reference: String,
    /// The date of the letter.
    pub date: String,
    /// Sender lines: name (printed bold), address.
    pub sender: Vec<String>,
    /// Recipient name.
    pub recipient_name: String,
    /// Remaining lines of the recipient's address.
    pub recipient_address: Vec<String>,
    /// "Geachte mevrouw, heer …,", or none for a certificate.
    pub salutation: Option<String>,
    /// The paragraphs before the facts.
    pub paragraphs: Vec<String>,
    /// Label and value pairs printed as a table.
    pub facts: Vec<[String; 2]>,
    /// The paragraphs after the facts.
    pub after: Vec<String>,
    /// The closing lines (greeting, signatory).
    pub closing: Vec<String>,
}

/// Everything printed on an invoice, already formatted in Dutch (amounts like
/// "€ 1.234,56", dates like "22-11-2026").
#[derive(Debug, Clone, Serialize)]
pub struct InvoiceDocument {
    /// "Factuur" or "Creditfactuur".
    pub title: String,
    /// Invoice number, e.g. "2026-000123".
    pub number: String,
    /// Invoice date.
    pub issued_on: String,
    /// Due date; `None` for a credit invoice and for one that no longer waits for payment.
    pub due_on: Option<String>,
    /// When it was paid, for a paid invoice.
    pub paid_on: Option<String>,
    /// Number of the credited invoice, for a credit invoice.
    pub credit_for: Option<String>,
    /// Sender lines: name (printed bold), address, postcode + city, KvK,
    /// BTW-nummer, IBAN.
    pub sender: Vec<String>,
    /// Recipient name (first line of the address block).
    pub recipient_name: String,
    /// Remaining lines of the recipient's address.
    pub recipient_address: Vec<String>,
    /// Product description line.
    pub description: String,
    /// Amount excluding VAT.
    pub net: String,
    /// VAT rate as printed, e.g. "21 %".
    pub vat_percent: String,
    /// VAT amount.
    pub vat: String,
    /// Amount including VAT.
    pub gross: String,
    /// The heading above the payment paragraphs: "Betaalinstructies", or "Betaald" once paid.
    pub payment_heading: String,
    /// Payment instruction paragraphs.
    pub payment_instructions: Vec<String>,
    /// Payment link, printed as a URL.
    pub payment_link: Option<String>,
}

/// The templates the renderer knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Template {
    /// `templates/pdf/invoice.typ`, fed with an [`InvoiceDocument`].
    Invoice,
    /// The contactpersoon's register report (A4 landscape; `reports::register_report::pdf_inputs`).
    RegisterReport,
    /// `templates/pdf/letter.typ`, fed with a [`LetterDocument`].
    Letter,
}

impl Template {
    /// Every template, with its typst source.
    const ALL: [(Template, &'static str); 3] = [
        (Template::Invoice, INVOICE_TEMPLATE),
        (Template::RegisterReport, REGISTER_REPORT_TEMPLATE),
        (Template::Letter, LETTER_TEMPLATE),
    ];

    /// The virtual file name of the template inside the typst world.
    fn file_name(self) -> &'static str {
        match self {
            Template::Invoice => "invoice.typ",
            Template::RegisterReport => "register_report.typ",
            Template::Letter => "letter.typ",
        }
    }
}

/// Why a PDF could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// An embedded font could not be parsed.
    #[error("embedded font {0} could not be loaded")]
    Font(&'static str),
    /// The inputs could not be turned into JSON.
    #[error("PDF inputs could not be serialized: {0}")]
    Inputs(#[from] serde_json::Error),
    /// Typst reported errors while compiling the template (messages joined).
    #[error("PDF template failed to compile: {0}")]
    Compile(String),
    /// The laid-out document could not be written as PDF (messages joined).
    #[error("PDF export failed: {0}")]
    Export(String),
}

/// Renders PDFs from the embedded templates.
///
/// Build it once (fonts are parsed here) and share it, e.g. in an `Arc` in
/// the application state; it is `Send + Sync` and rendering takes `&self`.
pub struct PdfRenderer {
    engine: TypstEngine,
}

impl PdfRenderer {
    /// Builds the typst engine with the embedded fonts and templates.
    pub fn new() -> Result<Self, PdfError> {
        for (name, data) in [
            ("DejaVuSans.ttf", FONT_REGULAR),
            ("DejaVuSans-Bold.ttf", FONT_BOLD),
        ] {
            if Font::new(Bytes::new(data), 0).is_none() {
                return Err(PdfError::Font(name));
            }
        }
        let engine = TypstEngine::builder()
            .fonts([FONT_REGULAR, FONT_BOLD])
            .with_static_source_file_resolver(
                Template::ALL.map(|(template, source)| (template.file_name(), source)),
            )
            .build();
        Ok(Self { engine })
    }

    /// Renders an invoice or credit invoice.
    pub fn invoice(&self, doc: &InvoiceDocument) -> Result<Vec<u8>, PdfError> {
        self.render(Template::Invoice, &serde_json::to_value(doc)?)
    }

    /// Renders a letter.
    pub fn letter(&self, doc: &LetterDocument) -> Result<Vec<u8>, PdfError> {
        self.render(Template::Letter, &serde_json::to_value(doc)?)
    }

    /// Renders `template` with `inputs`, which the template reads as JSON from
    /// `sys.inputs.data`.
    pub fn render(
        &self,
        template: Template,
        inputs: &serde_json::Value,
    ) -> Result<Vec<u8>, PdfError> {
        let document = self
            .engine
            .compile_with_input(template.file_name(), sys_inputs(inputs)?)
            .output
            .map_err(compile_error)?;
        typst_pdf::pdf(&document, &typst_pdf::PdfOptions::default())
            .map_err(|diagnostics| PdfError::Export(join(&diagnostics)))
    }
}

/// Builds `sys.inputs`: the inputs as one JSON string under `data`.
fn sys_inputs(inputs: &serde_json::Value) -> Result<Dict, PdfError> {
    let mut dict = Dict::new();
    dict.insert(
        "data".into(),
        Str::from(serde_json::to_string(inputs)?).into_value(),
    );
    Ok(dict)
}

/// Converts an engine error into a [`PdfError::Compile`].
fn compile_error(error: TypstAsLibError) -> PdfError {
    match error {
        TypstAsLibError::TypstSource(diagnostics) => PdfError::Compile(join(&diagnostics)),
        other => PdfError::Compile(other.to_string()),
    }
}

/// Joins diagnostics (message plus hints) into one line.
fn join(diagnostics: &[SourceDiagnostic]) -> String {
    diagnostics
        .iter()
        .map(|diagnostic| {
            let mut line = diagnostic.message.to_string();
            for hint in &diagnostic.hints {
                line.push_str(" (hint: ");
                line.push_str(&hint.v);
                line.push(')');
            }
            line
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;
    use std::process::Command;
    use std::time::Instant;

    fn invoice() -> InvoiceDocument {
        InvoiceDocument {
            title: "Factuur".into(),
            number: "2026-000123".into(),
            issued_on: "22-11-2026".into(),
            due_on: Some("06-12-2026".into()),
            paid_on: None,
            credit_for: None,
            sender: vec![
                "MijnRGS B.V.".into(),
                "Stationsplein 12".into(),
                "3511 ED Utrecht".into(),
                "KvK 12345678".into(),
                "BTW-nummer NL001234567B01".into(),
                "IBAN NL91 ABNA 0417 1643 00".into(),
            ],
            recipient_name: "Bakkerij De Gouden Korrel".into(),
            recipient_address: vec![
                "t.a.v. J. Jansen".into(),
                "Dorpsstraat 1".into(),
                "1234 AB Ergens".into(),
            ],
            description: "MijnRGS Plus, jaarabonnement 01-12-2026 t/m 30-11-2027".into(),
            net: "€ 408,39".into(),
            vat_percent: "21 %".into(),
            vat: "€ 85,76".into(),
            gross: "€ 494,15".into(),
            payment_heading: "Betaalinstructies".into(),
            payment_instructions: vec![
                "Wij verzoeken u het bedrag van € 494,15 vóór 06-12-2026 over te maken \
                 op IBAN NL91 ABNA 0417 1643 00 t.n.v. MijnRGS B.V., onder vermelding \
                 van factuurnummer 2026-000123."
                    .into(),
                "U kunt ook direct online betalen via de onderstaande link.".into(),
            ],
            payment_link: Some("https://mijnrgs.nl/betalen/2026-000123".into()),
        }
    }

    fn credit_invoice() -> InvoiceDocument {
        InvoiceDocument {
            title: "Creditfactuur".into(),
            number: "2026-000124".into(),
            due_on: None,
            credit_for: Some("2026-000123".into()),
            net: "-€ 408,39".into(),
            vat: "-€ 85,76".into(),
            gross: "-€ 494,15".into(),
            payment_instructions: vec![
                "Het bedrag van € 494,15 wordt binnen 14 dagen teruggestort.".into(),
            ],
            payment_link: None,
            ..invoice()
        }
    }

    /// Writes `pdf` to a temporary file named after `name` and returns its path.
    fn write_pdf(name: &str, pdf: &[u8]) -> PathBuf {
        let path = std::env::temp_dir().join(format!("pdfwork-{}-{name}.pdf", std::process::id()));
        std::fs::write(&path, pdf).expect("write pdf");
        path
    }

    /// Runs a poppler tool on a PDF and returns its standard output.
    fn poppler(tool: &str, args: &[&str], name: &str, pdf: &[u8]) -> String {
        let path = write_pdf(name, pdf);
        let output = Command::new(tool)
            .args(args)
            .arg(&path)
            .args(if tool == "pdftotext" {
                &["-"][..]
            } else {
                &[][..]
            })
            .output()
            .unwrap_or_else(|e| panic!("{tool} not runnable (install poppler-utils): {e}"));
        assert!(output.status.success(), "{tool} failed: {output:?}");
        let _ = std::fs::remove_file(&path);
        String::from_utf8(output.stdout).expect("utf-8 output")
    }

    fn text_of(name: &str, pdf: &[u8]) -> String {
        poppler("pdftotext", &["-layout"], name, pdf)
    }

    #[test]
    fn renderer_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<PdfRenderer>();
    }

    #[test]
    fn renders_invoice() {
        let renderer = PdfRenderer::new().expect("renderer");
        let pdf = renderer.invoice(&invoice()).expect("render");
        assert!(pdf.starts_with(b"%PDF"));
        let text = text_of("invoice", &pdf);
        for expected in [
            "Factuur",
            "2026-000123",
            "22-11-2026",
            "Vervaldatum",
            "06-12-2026",
            "€ 494,15",
            "€ 85,76",
            "€ 408,39",
            "Btw (21 %)",
            "Bakkerij De Gouden Korrel",
            "Betaalinstructies",
            "https://mijnrgs.nl/betalen/2026-000123",
            "Pagina 1 van 1",
        ] {
            assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
        }
        assert!(!text.contains("Crediteert"), "{text}");
    }

    #[test]
    fn renders_credit_invoice() {
        let renderer = PdfRenderer::new().expect("renderer");
        let pdf = renderer.invoice(&credit_invoice()).expect("render");
        let text = text_of("credit", &pdf);
        for expected in [
            "Creditfactuur",
            "2026-000124",
            "Crediteert factuur",
            "2026-000123",
            "-€ 494,15",
            "-€ 85,76",
        ] {
            assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
        }
        assert!(!text.contains("Vervaldatum"), "{text}");
    }

    #[test]
    fn prints_markup_characters_literally() {
        let name = r"Anna *de* #Vries $x$ [a] <b> @c \d";
        let doc = InvoiceDocument {
            recipient_name: name.into(),
            description: r"_x_ // #set `y` ~ ---".into(),
            ..invoice()
        };
        let pdf = PdfRenderer::new()
            .expect("renderer")
            .invoice(&doc)
            .expect("render");
        let text = text_of("markup", &pdf);
        assert!(text.contains(name), "missing {name:?} in:\n{text}");
        assert!(text.contains(r"_x_ // #set `y` ~ ---"), "{text}");
    }

    #[test]
    fn long_documents_flow_onto_more_pages() {
        let doc = InvoiceDocument {
            sender: (1..=10).map(|i| format!("Afzenderregel {i}")).collect(),
            payment_instructions: vec!["Lange alinea met betaalinstructies. ".repeat(40); 3],
            ..invoice()
        };
        let pdf = PdfRenderer::new()
            .expect("renderer")
            .invoice(&doc)
            .expect("render");
        let text = text_of("long", &pdf);
        assert!(text.contains("Pagina 1 van 2"), "{text}");
        assert!(text.contains("Pagina 2 van 2"), "{text}");
    }

    #[test]
    fn template_compiles_without_warnings() {
        let renderer = PdfRenderer::new().expect("renderer");
        for doc in [invoice(), credit_invoice()] {
            let inputs = sys_inputs(&serde_json::to_value(&doc).expect("json")).expect("inputs");
            let warned = renderer
                .engine
                .compile_with_input(Template::Invoice.file_name(), inputs);
            let document = warned.output.expect("compile");
            typst_pdf::pdf(&document, &typst_pdf::PdfOptions::default()).expect("export");
            assert!(warned.warnings.is_empty(), "{}", join(&warned.warnings));
        }
    }

    #[test]
    fn document_title_metadata() {
        let pdf = PdfRenderer::new()
            .expect("renderer")
            .invoice(&invoice())
            .expect("render");
        let info = poppler("pdfinfo", &[], "info", &pdf);
        assert!(info.contains("Factuur 2026-000123"), "{info}");
        let pages = info.lines().find_map(|l| l.strip_prefix("Pages:"));
        assert_eq!(pages.map(str::trim), Some("1"), "{info}");
    }

    #[test]
    fn embeds_fonts() {
        let pdf = PdfRenderer::new()
            .expect("renderer")
            .invoice(&invoice())
            .expect("render");
        let fonts = poppler("pdffonts", &[], "fonts", &pdf);
        let rows: Vec<&str> = fonts.lines().filter(|l| l.contains("DejaVuSans")).collect();
        assert!(
            rows.iter().any(|l| l.contains("DejaVuSans-Bold")),
            "{fonts}"
        );
        for row in &rows {
            // Columns: name type encoding emb sub uni object ID.
            let columns: Vec<&str> = row.split_whitespace().collect();
            let emb = columns[columns.len() - 5];
            assert_eq!(emb, "yes", "not embedded: {row}");
        }
        assert!(!rows.is_empty(), "{fonts}");
    }

    #[test]
    fn generic_render_reports_template_errors() {
        let renderer = PdfRenderer::new().expect("renderer");
        let err = renderer
            .render(
                Template::Invoice,
                &serde_json::json!({ "title": "Factuur" }),
            )
            .expect_err("missing fields must fail");
        assert!(matches!(err, PdfError::Compile(_)), "{err}");
        assert!(err.to_string().contains("does not contain key"), "{err}");
    }

    #[test]
    fn reuses_renderer_for_many_renders() {
        let renderer = PdfRenderer::new().expect("renderer");
        let doc = invoice();
        let start = Instant::now();
        for i in 0..20 {
            let doc = InvoiceDocument {
                number: format!("2026-{i:06}"),
                ..doc.clone()
            };
            let pdf = renderer.invoice(&doc).expect("render");
            assert!(pdf.starts_with(b"%PDF"));
        }
        let per_render = start.elapsed() / 20;
        println!("time per render: {per_render:?}");
    }
}

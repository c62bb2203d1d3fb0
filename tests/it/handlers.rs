//! Handlers stay thin (docs/architecture.md): every route function takes at most five
//! arguments, what belongs together grouped into one extractor (`web::action::Action`) or a
//! form struct, and no function anywhere is let off clippy's argument limit.

use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(path) = pending.pop() {
        if path.is_dir() {
            for entry in std::fs::read_dir(&path).unwrap() {
                pending.push(entry.unwrap().path());
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
    found
}

/// The text between the parenthesis that opens at `open` and the one that closes it.
fn parenthesised(text: &str, open: usize) -> &str {
    let mut depth = 0;
    for (i, c) in text[open..].char_indices() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => {
                depth -= 1;
                if depth == 0 {
                    return &text[open + 1..open + i];
                }
            }
            _ => {}
        }
    }
    panic!("unbalanced parentheses");
}

/// How many parameters a parameter list declares (its top-level commas, generics included).
fn parameters(list: &str) -> usize {
    let mut depth = 0;
    let mut count = 0;
    let mut current = String::new();
    for c in list.chars() {
        match c {
            '(' | '[' | '{' | '<' => depth += 1,
            ')' | ']' | '}' | '>' => depth -= 1,
            ',' if depth == 0 => {
                if !current.trim().is_empty() {
                    count += 1;
                }
                current.clear();
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    if !current.trim().is_empty() {
        count += 1;
    }
    count
}

/// The names of the functions `source` hands to a method router (`get(name)`, `.post(name)`).
fn route_functions(source: &str) -> Vec<String> {
    let mut names = Vec::new();
    for method in ["get(", "post("] {
        for (i, _) in source.match_indices(method) {
            let before = source[..i].chars().last();
            if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
                continue;
            }
            let rest = &source[i + method.len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() && rest[name.len()..].starts_with(')') {
                names.push(name);
            }
        }
    }
    names
}

#[test]
fn every_route_function_takes_at_most_five_arguments() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut checked = Vec::new();
    let mut too_wide = Vec::new();
    for path in rust_files(&root.join("src")) {
        let source = std::fs::read_to_string(&path).unwrap();
        for name in route_functions(&source) {
            let declaration = format!("async fn {name}(");
            let Some(at) = source.find(&declaration) else {
                continue;
            };
            let count = parameters(parenthesised(&source, at + declaration.len() - 1));
            checked.push(name.clone());
            if count > 5 {
                too_wide.push(format!("{}: {name} takes {count}", path.display()));
            }
        }
    }
    // The scan found the handlers: the schedule editor's, the opleider's and the RGS's.
    for known in ["add_period", "change_interruption", "approve", "interrupt"] {
        assert!(
            checked.iter().any(|n| n == known),
            "the scan did not find the route function {known}"
        );
    }
    assert!(
        checked.len() > 100,
        "only {} route functions found",
        checked.len()
    );
    assert!(
        too_wide.is_empty(),
        "route functions with more than five arguments: {too_wide:#?}"
    );
}

#[test]
fn no_function_is_let_off_the_argument_limit() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = rust_files(&root.join("src"));
    files.extend(rust_files(&root.join("crates")));
    files.extend(rust_files(&root.join("tests")));
    assert!(
        files
            .iter()
            .any(|f| f.ends_with("src/trainings/schedule_editor_pages.rs"))
    );
    let allowance = ["too_many", "_arguments"].concat();
    let allowed: Vec<String> = files
        .iter()
        .filter(|f| std::fs::read_to_string(f).unwrap().contains(&allowance))
        .map(|f| f.display().to_string())
        .collect();
    assert!(
        allowed.is_empty(),
        "functions let off the argument limit in {allowed:#?}"
    );
}

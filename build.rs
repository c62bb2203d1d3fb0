//! Computes `ASSET_VERSION`, a fingerprint of everything under `static/`. Pages link assets as
//! `/static/app.css?v=ASSET_VERSION`, so assets can be cached for a year and still change the
//! moment a new build ships different files.

use std::fs;
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=static");
    let mut files = Vec::new();
    collect(Path::new("static"), &mut files);
    files.sort();
    // FNV-1a over names and contents: stable across builds and platforms.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for path in files {
        let name = path.to_string_lossy().into_owned();
        let bytes = fs::read(&path).unwrap_or_default();
        for byte in name.as_bytes().iter().chain(bytes.iter()) {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    println!(
        "cargo:rustc-env=ASSET_VERSION={:012x}",
        hash & 0xffff_ffff_ffff
    );
}

fn collect(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            println!("cargo:rerun-if-changed={}", path.display());
            collect(&path, out);
        } else {
            out.push(path);
        }
    }
}

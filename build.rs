//! Release builds place the functions a `serve` session runs side by side
//! (`scripts/hot-symbols.txt`, made by `scripts/hot_symbols.py`), so the kernel maps a
//! few 64 KiB windows of code rather than most of the binary: less resident memory.
//!
//! Only where rustc links with its own lld by default (x86_64 Linux, Rust 1.90 on) and no
//! RUSTFLAGS choose another linker; `TGMCP_LINK_ORDER=0` turns it off, `=1` on.
//! `TGMCP_LINK_MAP=FILE` writes the linker's map there (what `hot_symbols.py` reads);
//! neither changes the symbol names, which the list depends on.

use std::env;
use std::path::Path;

fn main() {
    for watched in ["build.rs", "scripts/hot-symbols.txt"] {
        println!("cargo:rerun-if-changed={watched}");
    }
    for var in ["TGMCP_LINK_ORDER", "TGMCP_LINK_MAP"] {
        println!("cargo:rerun-if-env-changed={var}");
    }
    if env::var("PROFILE").is_ok_and(|p| p != "release") {
        return;
    }
    let wanted = match env::var("TGMCP_LINK_ORDER").as_deref() {
        Ok("0") => false,
        Ok("1") => true,
        _ => default_lld(),
    };
    if !wanted {
        return;
    }
    let list = Path::new(&env::var("CARGO_MANIFEST_DIR").unwrap()).join("scripts/hot-symbols.txt");
    if list.is_file() {
        link_arg(&format!("--symbol-ordering-file={}", list.display()));
        // Names the build no longer has (a function renamed or gone) are skipped.
        link_arg("--no-warn-symbol-ordering");
    }
    if let Some(map) = env::var_os("TGMCP_LINK_MAP") {
        link_arg(&format!("-Map={}", Path::new(&map).display()));
        // The names as the ordering file spells them.
        link_arg("--no-demangle");
    }
}

/// Whether this build links with rustc's own lld: x86_64 Linux from Rust 1.90, unless the
/// flags pick a linker.
fn default_lld() -> bool {
    let target = env::var("TARGET").is_ok_and(|t| t == "x86_64-unknown-linux-gnu");
    let flags = env::var("CARGO_ENCODED_RUSTFLAGS").unwrap_or_default();
    let chosen = ["linker", "fuse-ld"].iter().any(|f| flags.contains(f));
    let rustc = env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let minor = std::process::Command::new(rustc)
        .arg("-V")
        .output()
        .ok()
        .and_then(|out| {
            let version = String::from_utf8(out.stdout).ok()?;
            let mut parts = version.split_whitespace().nth(1)?.split('.');
            (parts.next()? == "1").then_some(())?;
            parts.next()?.parse::<u32>().ok()
        });
    target && !chosen && minor.is_some_and(|m| m >= 90)
}

fn link_arg(arg: &str) {
    println!("cargo:rustc-link-arg-bin=tgmcp=-Wl,{arg}");
}

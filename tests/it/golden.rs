//! Golden files (snapshots, generated man page and completions, the fuzz corpus): an
//! update variable rewrites them on a developer's machine, and is refused under CI, where
//! a rewrite would make the check pass whatever the code does.

/// Whether `var` (e.g. `UPDATE_SNAPSHOTS`) asks to rewrite golden files. Set under CI
/// (`CI` non-empty and not `false`), the test fails instead.
pub(crate) fn updating(var: &str) -> bool {
    if std::env::var_os(var).is_none() {
        return false;
    }
    let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
    assert!(
        !ci,
        "{var} is set under CI: golden files are checked there, never rewritten — unset it"
    );
    eprintln!("{var} is set: rewriting golden files instead of checking them");
    true
}

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

/// Compares `actual` with the golden file at `path`, or rewrites it when `var` is set
/// (never under CI). `update` is the command that rewrites it, for the failure message.
pub(crate) fn compare(path: &std::path::Path, actual: &str, var: &str, update: &str) {
    if updating(var) {
        std::fs::create_dir_all(path.parent().expect("a golden file is in a folder")).unwrap();
        std::fs::write(path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(path).unwrap_or_else(|e| {
        panic!(
            "{} is missing ({e}); run {update} to write it",
            path.display()
        )
    });
    assert!(
        actual == expected,
        "{} changed; if that is intended, run {update} and commit it\n--- expected\n{expected}\n--- actual\n{actual}",
        path.display()
    );
}

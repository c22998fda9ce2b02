//! Names for downloaded files: what a sender chose, made safe to create and to show.
//!
//! A document's name comes from whoever sent it. It must not climb out of the download
//! folder, hide itself (`.bash_profile`), read as an option (`-rf`), disguise its type
//! with bidirectional controls (`photo\u{202E}gpj.exe` shows as `photoexe.jpg`), or be
//! too long for the file system (255 bytes on most, counted in bytes, not characters).

/// Longest name we create, in bytes: 255 (ext4, APFS, NTFS in UTF-8 terms) minus room
/// for the ` (999)` a name that is taken gets.
pub const MAX_NAME_BYTES: usize = 255 - " (999)".len();

/// Longest extension kept whole when a name is shortened, in bytes.
const MAX_EXTENSION_BYTES: usize = 16;

/// Characters that change how text around them is displayed without showing
/// themselves: bidi embeddings, overrides and isolates, marks, zero-width characters.
fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{061C}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

/// A sender's file name as a safe last path component, or `None` when nothing usable is
/// left (the caller then makes one up).
pub fn download_name(raw: &str) -> Option<String> {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = base
        .chars()
        .filter(|&c| !c.is_control() && !is_invisible_format(c))
        .collect();
    // Leading dots hide a file (and `..` climbs); a leading dash reads as an option to
    // the next command that is given the name. Trailing dots and spaces vanish on some
    // systems.
    let clean = clean
        .trim()
        .trim_start_matches(['.', '-', ' '])
        .trim_end_matches(['.', ' ']);
    if clean.is_empty() {
        return None;
    }
    Some(truncate_name(clean, MAX_NAME_BYTES))
}

/// `name` cut to at most `max` bytes at a character boundary, its extension kept.
pub fn truncate_name(name: &str, max: usize) -> String {
    if name.len() <= max {
        return name.to_owned();
    }
    let (stem, ext) = match name.rsplit_once('.') {
        Some((stem, ext))
            if !stem.is_empty() && !ext.is_empty() && ext.len() <= MAX_EXTENSION_BYTES =>
        {
            (stem, Some(ext))
        }
        _ => (name, None),
    };
    let room = max - ext.map_or(0, |ext| ext.len() + 1);
    let mut cut = room.min(stem.len());
    while !stem.is_char_boundary(cut) {
        cut -= 1;
    }
    let stem = stem[..cut].trim_end_matches(['.', ' ']);
    match ext {
        Some(ext) => format!("{stem}.{ext}"),
        None => stem.to_owned(),
    }
}

/// The usual extension for a MIME type, without the dot. Common types first from our own
/// table (mime_guess lists extensions alphabetically, so `text/plain` would become
/// `.asm`), then mime_guess's first for the rest.
pub fn extension_for(mime: &str) -> Option<&'static str> {
    let mime = mime.split(';').next().unwrap_or_default().trim();
    let known = match mime.to_ascii_lowercase().as_str() {
        "text/plain" => "txt",
        "text/html" => "html",
        "text/css" => "css",
        "text/csv" => "csv",
        "text/markdown" => "md",
        "text/xml" | "application/xml" => "xml",
        "text/javascript" | "application/javascript" => "js",
        "application/json" => "json",
        "application/pdf" => "pdf",
        "application/zip" => "zip",
        "application/gzip" | "application/x-gzip" => "gz",
        "application/x-tar" => "tar",
        "application/x-7z-compressed" => "7z",
        "application/vnd.rar" | "application/x-rar-compressed" => "rar",
        "application/msword" => "doc",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => "docx",
        "application/vnd.ms-excel" => "xls",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => "xlsx",
        "application/vnd.ms-powerpoint" => "ppt",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation" => "pptx",
        "application/vnd.android.package-archive" => "apk",
        "application/x-tgsticker" => "tgs",
        "application/octet-stream" => "bin",
        "image/jpeg" => "jpg",
        "image/png" => "png",
        "image/gif" => "gif",
        "image/webp" => "webp",
        "image/heic" => "heic",
        "image/svg+xml" => "svg",
        "image/bmp" => "bmp",
        "image/tiff" => "tiff",
        "audio/mpeg" => "mp3",
        "audio/ogg" => "ogg",
        "audio/mp4" | "audio/x-m4a" | "audio/m4a" => "m4a",
        "audio/wav" | "audio/x-wav" => "wav",
        "audio/flac" => "flac",
        "video/mp4" => "mp4",
        "video/quicktime" => "mov",
        "video/webm" => "webm",
        "video/x-matroska" => "mkv",
        _ => "",
    };
    if !known.is_empty() {
        return Some(known);
    }
    mime_guess::get_mime_extensions_str(mime).and_then(|exts| exts.first().copied())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_option_like_and_disguised_names_are_neutralized() {
        assert_eq!(download_name(".bash_profile").unwrap(), "bash_profile");
        assert_eq!(download_name("-rf").unwrap(), "rf");
        assert_eq!(download_name("--help.txt").unwrap(), "help.txt");
        assert_eq!(download_name("..").as_deref(), None);
        assert_eq!(download_name("../../etc/passwd").unwrap(), "passwd");
        assert_eq!(
            download_name("photo\u{202E}gpj.exe").unwrap(),
            "photogpj.exe"
        );
        assert_eq!(download_name("a\u{2066}b\u{200F}c.pdf").unwrap(), "abc.pdf");
        assert_eq!(download_name("a\nb.txt").unwrap(), "ab.txt");
        assert_eq!(download_name(" . ").as_deref(), None);
    }

    #[test]
    fn long_names_are_cut_by_bytes_at_a_char_boundary_keeping_the_extension() {
        let long = format!("{}.pdf", "я".repeat(200)); // 400 bytes of stem
        let name = download_name(&long).unwrap();
        assert!(name.len() <= MAX_NAME_BYTES, "{}", name.len());
        assert!(name.ends_with(".pdf"), "{name}");
        assert!(name.starts_with("яя"));
        // Room left for " (999)" within 255 bytes.
        assert!(format!("{name} (999)").len() <= 255);
        let emoji = "😀".repeat(100); // 4 bytes each, no extension
        let name = download_name(&emoji).unwrap();
        assert!(name.len() <= MAX_NAME_BYTES && name.chars().all(|c| c == '😀'));
        assert_eq!(download_name("short.txt").unwrap(), "short.txt");
    }

    #[test]
    fn common_types_get_their_usual_extension() {
        assert_eq!(extension_for("text/plain"), Some("txt"));
        assert_eq!(extension_for("text/plain; charset=utf-8"), Some("txt"));
        assert_eq!(extension_for("image/jpeg"), Some("jpg"));
        assert_eq!(extension_for("application/pdf"), Some("pdf"));
        assert_eq!(extension_for("video/mp4"), Some("mp4"));
        assert_eq!(extension_for("nonsense"), None);
    }
}

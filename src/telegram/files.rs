//! Files: turning what the caller named (a local path, an https URL, a `data:` URI) into
//! checked, readable files; uploading them in parts with grammers' uploader; sending them
//! alone or as albums; and downloading a message's media.
//!
//! Nothing is read whole into memory: local files are read as they upload, URLs are
//! fetched into a temporary file first (the size limit enforced while they stream, and
//! a file that fails to fetch stops the send before anything left). Several files go as
//! albums the way Telegram groups them (photos and videos together, audio together,
//! other documents together, at most ten per album); the text is the first item's
//! caption, or follows as its own message when it is longer than a caption may be.

use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use grammers_session::types::PeerRef;
use grammers_tl_types as tl;
use serde::Serialize;
use tokio::io::{AsyncRead, ReadBuf};

use super::client::Telegram;
use super::model::{Message, SendResult};
use super::ops::SendMessage;
use super::render::{self, Peers};
use super::send::{Sent, format, lost_write, random_id, topic_reply, updates_peers, utf16_len};
use crate::error::{Error, Result};
use crate::net::{FetchPolicy, Fetcher};

mod names;

pub use names::{download_name, extension_for};

/// Telegram's caption limit, in UTF-16 code units.
pub const MAX_CAPTION_LEN: usize = 1024;
/// Most items in one album.
pub const MAX_ALBUM: usize = 10;
/// Largest file Telegram takes as a photo; bigger images go as documents.
const MAX_PHOTO_BYTES: u64 = 10 * 1024 * 1024;

/// Where local paths may come from.
#[derive(Debug, Clone)]
pub enum LocalFiles {
    /// Any readable file (the CLI; stdio without `--file-root`).
    Allowed,
    /// Only files inside these folders, symlinks resolved (`--file-root`).
    Within(Vec<PathBuf>),
    /// None: the reason says why (over HTTP, the path would be the server's).
    Refused(String),
}

/// Folders and files tgmcp keeps its own secrets in (sessions, tokens, credentials, the
/// config file): never read as attachments, whatever `--file-root` allows. Registered
/// when the configuration is resolved; a process may hold several profiles' homes.
static PRIVATE: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

/// Never send files from inside `path` (a folder, or one file).
pub fn keep_private(path: &Path) {
    let path = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
    let mut private = PRIVATE.lock().unwrap_or_else(|e| e.into_inner());
    if !private.contains(&path) {
        private.push(path);
    }
}

/// Whether `canonical` (symlinks resolved) is one of tgmcp's private files or inside one
/// of its private folders. The private paths are resolved too, now: they may have been
/// created (or be symlinks) since they were registered.
fn is_private(canonical: &Path) -> bool {
    let private = PRIVATE.lock().unwrap_or_else(|e| e.into_inner()).clone();
    private.iter().any(|p| {
        canonical.starts_with(p)
            || std::fs::canonicalize(p).is_ok_and(|resolved| canonical.starts_with(resolved))
    })
}

/// What a send may read: local paths, and URLs under a fetch policy (whose `max_bytes`
/// limits every file, local ones included).
#[derive(Debug, Clone)]
pub struct FilePolicy {
    pub local: LocalFiles,
    pub fetch: FetchPolicy,
}

impl Default for FilePolicy {
    fn default() -> Self {
        Self {
            local: LocalFiles::Allowed,
            fetch: FetchPolicy::default(),
        }
    }
}

/// A file ready to upload: checked, opened (or fetched), with its name and type.
pub struct PreparedFile {
    pub name: String,
    pub mime_type: String,
    pub size: u64,
    /// Width and height, for a PNG or JPEG image.
    pub image_size: Option<(u32, u32)>,
    body: Body,
}

impl std::fmt::Debug for PreparedFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreparedFile")
            .field("name", &self.name)
            .field("mime_type", &self.mime_type)
            .field("size", &self.size)
            .finish()
    }
}

enum Body {
    File(std::fs::File),
    /// A fetched URL: removed when the send is done.
    Temp(tempfile::NamedTempFile),
    Memory(Vec<u8>),
}

impl Body {
    fn reader(&self) -> Result<Pin<Box<dyn AsyncRead + Send + Unpin>>> {
        // A clone shares the file position: rewind it, so a send repeated after a flood
        // wait uploads the whole file again.
        let reopen = |file: &std::fs::File| {
            use std::io::{Seek, SeekFrom};
            let mut file = file
                .try_clone()
                .map_err(|e| Error::InvalidInput(format!("cannot read the file: {e}")))?;
            file.seek(SeekFrom::Start(0))
                .map_err(|e| Error::InvalidInput(format!("cannot read the file: {e}")))?;
            Ok(Box::pin(tokio::fs::File::from_std(file)) as _)
        };
        match self {
            Self::File(file) => reopen(file),
            Self::Temp(temp) => reopen(temp.as_file()),
            Self::Memory(bytes) => Ok(Box::pin(std::io::Cursor::new(bytes.clone()))),
        }
    }
}

/// Sees uploads advance (the CLI's progress bars). Files are numbered from 0 in the
/// order given.
pub trait UploadProgress: Send + Sync {
    fn start(&self, file: usize, name: &str, size: u64);
    fn advance(&self, file: usize, bytes: u64);
    fn finish(&self, file: usize);
}

/// Files to send with a message, and how.
#[derive(Default)]
pub struct Attachments {
    pub files: Vec<PreparedFile>,
    /// Send images as documents (files) rather than photos.
    pub force_document: bool,
    pub progress: Option<Arc<dyn UploadProgress>>,
}

impl Attachments {
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// Checks and opens every file `sources` names, fetching URLs, before anything is sent:
/// one bad file fails the whole send with nothing delivered.
pub async fn prepare(sources: &[String], policy: &FilePolicy) -> Result<Vec<PreparedFile>> {
    let mut fetcher = None;
    let mut files = Vec::with_capacity(sources.len());
    for source in sources {
        let source = source.trim();
        let file = if source.starts_with("data:") {
            prepare_data(source, policy.fetch.max_bytes)?
        } else if let Some((scheme, _)) = source.split_once("://")
            && !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        {
            if fetcher.is_none() {
                fetcher = Some(Fetcher::new(policy.fetch.clone())?);
            }
            prepare_url(source, fetcher.as_ref().expect("set above")).await?
        } else {
            // Opening and reading a file blocks: never on the runtime's threads.
            let (path, policy) = (PathBuf::from(source), policy.clone());
            tokio::task::spawn_blocking(move || prepare_path(&path, &policy))
                .await
                .map_err(|e| Error::InvalidInput(format!("{source}: {e}")))??
        };
        files.push(file);
    }
    Ok(files)
}

/// Prepares files with a caller's fetcher (tests inject a resolver through it).
pub async fn prepare_with(sources: &[String], fetcher: &Fetcher) -> Result<Vec<PreparedFile>> {
    let mut files = Vec::with_capacity(sources.len());
    for source in sources {
        files.push(prepare_url(source, fetcher).await?);
    }
    Ok(files)
}

fn too_big(what: &str, size: u64, max: u64) -> Error {
    Error::InvalidInput(format!(
        "{what} is {size} bytes, over the limit of {max} bytes (--max-file-size)"
    ))
}

fn prepare_path(path: &Path, policy: &FilePolicy) -> Result<PreparedFile> {
    let shown = path.display();
    if let LocalFiles::Refused(why) = &policy.local {
        return Err(Error::Forbidden(format!("{shown}: {why}")));
    }
    let canonical = std::fs::canonicalize(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Error::InvalidInput(format!("{shown}: no such file")),
        _ => Error::InvalidInput(format!("{shown}: {e}")),
    })?;
    if is_private(&canonical) {
        return Err(Error::Forbidden(format!(
            "{shown}: this is inside tgmcp's own folders (sessions, tokens, credentials, config), whose files are never sent — copy the file elsewhere first if you really mean to send it"
        )));
    }
    if let LocalFiles::Within(roots) = &policy.local {
        let roots: Vec<PathBuf> = roots
            .iter()
            .filter_map(|r| std::fs::canonicalize(r).ok())
            .collect();
        if !roots.iter().any(|root| canonical.starts_with(root)) {
            let inside_by_name = policy_roots_lexically_contain(path, &policy.local);
            let why = if inside_by_name {
                "it is a symlink (or inside one) that leads outside the allowed folders"
            } else {
                "it is outside the allowed folders"
            };
            return Err(Error::Forbidden(format!("{shown}: {why} (--file-root)")));
        }
    }
    // Opening a FIFO waits for a writer, and a device may never end: only regular files,
    // checked before opening.
    let kind = std::fs::metadata(&canonical)
        .map_err(|e| Error::InvalidInput(format!("{shown}: {e}")))?
        .file_type();
    if !kind.is_file() {
        let what = if kind.is_dir() {
            "a folder"
        } else {
            "a FIFO, socket or device"
        };
        return Err(Error::InvalidInput(format!(
            "{shown}: not a regular file ({what}) — only regular files can be sent"
        )));
    }
    let file = std::fs::File::open(&canonical)
        .map_err(|e| Error::InvalidInput(format!("{shown}: cannot open: {e}")))?;
    let meta = file
        .metadata()
        .map_err(|e| Error::InvalidInput(format!("{shown}: {e}")))?;
    if !meta.is_file() {
        return Err(Error::InvalidInput(format!("{shown}: not a regular file")));
    }
    let size = meta.len();
    if size == 0 {
        return Err(Error::InvalidInput(format!(
            "{shown} is empty — Telegram does not take empty files"
        )));
    }
    if size > policy.fetch.max_bytes {
        return Err(too_big(&shown.to_string(), size, policy.fetch.max_bytes));
    }
    let name = canonical
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".into());
    let head = read_head(&file);
    Ok(PreparedFile {
        mime_type: mime_for(&name, None),
        image_size: image_size(&head),
        name,
        size,
        body: Body::File(file),
    })
}

fn policy_roots_lexically_contain(path: &Path, local: &LocalFiles) -> bool {
    let LocalFiles::Within(roots) = local else {
        return false;
    };
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
    roots.iter().any(|root| {
        let root = std::path::absolute(root).unwrap_or_else(|_| root.clone());
        absolute.starts_with(&root)
            || std::fs::canonicalize(&root).is_ok_and(|r| absolute.starts_with(r))
    })
}

/// The first bytes of a file, for its image size; the file position is left at 0.
fn read_head(file: &std::fs::File) -> Vec<u8> {
    use std::io::{Read, Seek, SeekFrom};
    let mut head = Vec::with_capacity(64 * 1024);
    let mut reader = file;
    let _ = reader.by_ref().take(64 * 1024).read_to_end(&mut head);
    let _ = reader.seek(SeekFrom::Start(0));
    head
}

async fn prepare_url(url: &str, fetcher: &Fetcher) -> Result<PreparedFile> {
    let temp = tempfile::NamedTempFile::new()
        .map_err(|e| Error::Config(format!("cannot create a temporary file: {e}")))?;
    let std_file = temp
        .as_file()
        .try_clone()
        .map_err(|e| Error::Config(format!("cannot use a temporary file: {e}")))?;
    let mut sink = tokio::fs::File::from_std(std_file);
    let fetched = fetcher.fetch(url, &mut sink).await?;
    drop(sink);
    if fetched.size == 0 {
        return Err(Error::InvalidInput(format!(
            "{}: the server sent an empty file — Telegram does not take empty files",
            crate::net::redact_url(url)
        )));
    }
    let name = fetched.file_name.unwrap_or_else(|| "file".into());
    let head = match temp.as_file().try_clone() {
        Ok(file) => tokio::task::spawn_blocking(move || read_head(&file))
            .await
            .unwrap_or_default(),
        Err(_) => Vec::new(),
    };
    Ok(PreparedFile {
        mime_type: mime_for(&name, fetched.mime_type.as_deref()),
        image_size: image_size(&head),
        name,
        size: fetched.size,
        body: Body::Temp(temp),
    })
}

/// `data:[<mime>][;name=<file name>][;base64],<data>`.
fn prepare_data(uri: &str, max: u64) -> Result<PreparedFile> {
    use base64::Engine as _;
    let invalid = |why: &str| Error::InvalidInput(format!("a data: URI {why}"));
    let (header, data) = uri["data:".len()..]
        .split_once(',')
        .ok_or_else(|| invalid("needs a comma before its data"))?;
    let mut params = header.split(';');
    let mime = params
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let mut base64 = false;
    let mut name = None;
    for param in params {
        match param.split_once('=') {
            None if param.eq_ignore_ascii_case("base64") => base64 = true,
            Some((key, value)) if key.eq_ignore_ascii_case("name") || key == "filename" => {
                name = Some(crate::net::fetch::sanitize_name(&percent_decode(value)));
            }
            _ => {}
        }
    }
    let bytes = if base64 {
        let compact: String = data.chars().filter(|c| !c.is_whitespace()).collect();
        base64::engine::general_purpose::STANDARD
            .decode(compact.as_bytes())
            .map_err(|e| invalid(&format!("is not valid base64: {e}")))?
    } else {
        percent_decode(data).into_bytes()
    };
    if bytes.is_empty() {
        return Err(invalid("is empty — Telegram does not take empty files"));
    }
    if bytes.len() as u64 > max {
        return Err(too_big("a data: URI", bytes.len() as u64, max));
    }
    let mime = (!mime.is_empty() && mime.contains('/')).then_some(mime);
    let name = name.filter(|n| !n.is_empty()).unwrap_or_else(|| {
        let ext = mime
            .as_deref()
            .and_then(extension_for)
            .map_or(String::new(), |ext| format!(".{ext}"));
        format!("file{ext}")
    });
    Ok(PreparedFile {
        mime_type: mime_for(&name, mime.as_deref()),
        image_size: image_size(&bytes),
        name,
        size: bytes.len() as u64,
        body: Body::Memory(bytes),
    })
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = text.get(i + 1..i + 3)
            && let Ok(byte) = u8::from_str_radix(hex, 16)
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The type a server declared (unless it is the generic one), else the file name's.
fn mime_for(name: &str, declared: Option<&str>) -> String {
    match declared {
        Some(mime) if mime != "application/octet-stream" => mime.to_owned(),
        _ => mime_guess::from_path(name).first().map_or_else(
            || "application/octet-stream".into(),
            |m| m.essence_str().into(),
        ),
    }
}

/// Width and height of a PNG or JPEG image, from its first bytes.
pub fn image_size(bytes: &[u8]) -> Option<(u32, u32)> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") && bytes.get(12..16) == Some(b"IHDR") {
        let w = u32::from_be_bytes(bytes.get(16..20)?.try_into().ok()?);
        let h = u32::from_be_bytes(bytes.get(20..24)?.try_into().ok()?);
        return Some((w, h));
    }
    if !bytes.starts_with(&[0xff, 0xd8]) {
        return None;
    }
    // Walk the JPEG segments to a start-of-frame marker (SOF0…SOF15 but DHT, JPG, DAC).
    let mut i = 2;
    while i + 4 <= bytes.len() {
        if bytes[i] != 0xff {
            return None;
        }
        let marker = bytes[i + 1];
        if marker == 0xff {
            i += 1;
            continue;
        }
        let len = usize::from(u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]));
        if (0xc0..=0xcf).contains(&marker) && ![0xc4, 0xc8, 0xcc].contains(&marker) {
            let h = u16::from_be_bytes(bytes.get(i + 5..i + 7)?.try_into().ok()?);
            let w = u16::from_be_bytes(bytes.get(i + 7..i + 9)?.try_into().ok()?);
            return Some((u32::from(w), u32::from(h)));
        }
        i += 2 + len;
    }
    None
}

/// How Telegram will show a file, which decides the albums it may share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Photo,
    Video,
    Audio,
    Document,
}

impl Kind {
    fn of(file: &PreparedFile, force_document: bool) -> Self {
        let mime = file.mime_type.as_str();
        if force_document {
            return Self::Document;
        }
        let photo_dims = file.image_size.is_some_and(|(w, h)| {
            let (w, h) = (u64::from(w), u64::from(h));
            w > 0 && h > 0 && w + h <= 10_000 && w.max(h) <= 20 * w.min(h)
        });
        if matches!(mime, "image/jpeg" | "image/png") && file.size <= MAX_PHOTO_BYTES && photo_dims
        {
            Self::Photo
        } else if mime.starts_with("video/") {
            Self::Video
        } else if mime.starts_with("audio/") {
            Self::Audio
        } else {
            Self::Document
        }
    }

    /// Which album an item may join: photos with videos, audio with audio, the rest
    /// together.
    fn album(self) -> u8 {
        match self {
            Self::Photo | Self::Video => 0,
            Self::Audio => 1,
            Self::Document => 2,
        }
    }
}

/// Files (by index) in the messages they go out as: groups by album kind, in the order
/// each kind first appears, cut into albums of at most ten.
fn batches(kinds: &[Kind]) -> Vec<Vec<usize>> {
    let mut groups: Vec<(u8, Vec<usize>)> = Vec::new();
    for (i, kind) in kinds.iter().enumerate() {
        match groups.iter_mut().find(|(album, _)| *album == kind.album()) {
            Some((_, items)) => items.push(i),
            None => groups.push((kind.album(), vec![i])),
        }
    }
    groups
        .into_iter()
        .flat_map(|(_, items)| {
            items
                .chunks(MAX_ALBUM)
                .map(<[usize]>::to_vec)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Counts bytes as grammers reads them for upload.
struct Counted<R> {
    inner: R,
    file: usize,
    progress: Arc<dyn UploadProgress>,
}

impl<R: AsyncRead + Unpin> AsyncRead for Counted<R> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let poll = Pin::new(&mut self.inner).poll_read(cx, buf);
        let read = buf.filled().len() - before;
        if read > 0 {
            self.progress.advance(self.file, read as u64);
        }
        poll
    }
}

/// A downloaded file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Downloaded {
    /// Where the file was saved.
    pub path: String,
    /// Bytes.
    pub size: u64,
    pub mime_type: String,
}

/// Where `download_media` may write.
#[derive(Debug, Clone)]
pub struct DownloadTarget {
    /// Files are saved inside this folder only.
    pub dir: PathBuf,
    /// A file name (or a path inside `dir`) the caller chose; else the media's own name.
    pub path: Option<String>,
}

impl Telegram {
    /// Longest an upload of `size` bytes may take: the call timeout plus time at a slow
    /// 100 kB/s.
    fn upload_timeout(&self, size: u64) -> Duration {
        self.call_timeout() + Duration::from_secs(size / 100_000)
    }

    /// Uploads one file in parts (saveBigFilePart above 10 MB, four parts in flight).
    async fn upload(
        &self,
        index: usize,
        file: &PreparedFile,
        progress: Option<&Arc<dyn UploadProgress>>,
    ) -> Result<tl::enums::InputFile> {
        let reader = file.body.reader()?;
        let size = usize::try_from(file.size)
            .map_err(|_| Error::InvalidInput(format!("{} is too big", file.name)))?;
        if let Some(p) = progress {
            p.start(index, &file.name, file.size);
        }
        let upload = async {
            match progress {
                Some(p) => {
                    let mut counted = Counted {
                        inner: reader,
                        file: index,
                        progress: Arc::clone(p),
                    };
                    self.client()
                        .upload_stream(&mut counted, size, file.name.clone())
                        .await
                }
                None => {
                    let mut reader = reader;
                    self.client()
                        .upload_stream(&mut reader, size, file.name.clone())
                        .await
                }
            }
        };
        let uploaded = tokio::time::timeout(self.upload_timeout(file.size), upload)
            .await
            .map_err(|_| {
                Error::Network(format!(
                    "uploading {} took longer than {} s",
                    file.name,
                    self.upload_timeout(file.size).as_secs()
                ))
            })?
            .map_err(|e| upload_error(&file.name, e))?;
        if let Some(p) = progress {
            p.finish(index);
        }
        Ok(uploaded.raw)
    }

    /// Sends `attachments` to `peer` with `req.text` as the caption (or, when too long for
    /// one, as a message after them). Each album and each message is sent once; a
    /// failure after the first went out is a [`Error::PartialSend`] naming what arrived.
    pub(super) async fn send_files(
        &self,
        peer: &PeerRef,
        req: &SendMessage,
        attachments: &Attachments,
    ) -> Result<SendResult> {
        let (text, entities) = format(&req.text, req.parse_mode);
        let has_text = !text.trim().is_empty();
        let caption_fits = utf16_len(&text) <= MAX_CAPTION_LEN;
        let kinds: Vec<Kind> = attachments
            .files
            .iter()
            .map(|f| Kind::of(f, attachments.force_document))
            .collect();
        let batches = batches(&kinds);
        let text_parts = if has_text && !caption_fits {
            super::send::split(&text, &entities, super::send::MAX_MESSAGE_LEN).len()
        } else {
            0
        };
        let total = attachments.files.len() + text_parts;
        let mut result = SendResult {
            message_ids: Vec::with_capacity(total),
            messages: Vec::with_capacity(total),
            draft: false,
            comment_on: None,
        };
        let partial = |result: &SendResult, reason: Error| {
            if result.message_ids.is_empty() {
                reason
            } else {
                Error::PartialSend {
                    sent: result.message_ids.clone(),
                    parts: total,
                    reason: Box::new(reason),
                }
            }
        };
        for (n, batch) in batches.iter().enumerate() {
            let caption = if n == 0 && has_text && caption_fits {
                (text.clone(), entities.clone())
            } else {
                Default::default()
            };
            let reply_to = if n == 0 { req.reply_to } else { None };
            let sent = self
                .send_batch(peer, req, attachments, &kinds, batch, caption, reply_to)
                .await;
            match sent {
                Ok(messages) => {
                    for message in messages {
                        result.message_ids.push(message.id);
                        result.messages.push(message);
                    }
                }
                Err(reason) => return Err(partial(&result, reason)),
            }
        }
        if text_parts > 0 {
            let follow = SendMessage {
                reply_to: None,
                ..req.clone()
            };
            match self.send_parts(peer, &text, &entities, &follow).await {
                Ok(sent) => {
                    result.message_ids.extend(sent.message_ids);
                    result.messages.extend(sent.messages);
                }
                Err(Error::PartialSend { sent, reason, .. }) => {
                    result.message_ids.extend(sent);
                    return Err(partial(&result, *reason));
                }
                Err(reason) => return Err(partial(&result, reason)),
            }
        }
        Ok(result)
    }

    /// One message (a single file) or one album.
    #[allow(clippy::too_many_arguments)]
    async fn send_batch(
        &self,
        peer: &PeerRef,
        req: &SendMessage,
        attachments: &Attachments,
        kinds: &[Kind],
        batch: &[usize],
        (caption, entities): (String, Vec<tl::enums::MessageEntity>),
        reply_to: Option<i32>,
    ) -> Result<Vec<Message>> {
        let mut uploaded = Vec::with_capacity(batch.len());
        for &i in batch {
            let file = &attachments.files[i];
            let input = self.upload(i, file, attachments.progress.as_ref()).await?;
            uploaded.push(uploaded_media(input, file, kinds[i]));
        }
        let names: Vec<&str> = batch
            .iter()
            .map(|&i| attachments.files[i].name.as_str())
            .collect();
        let what = match names.as_slice() {
            [one] => one.to_string(),
            many => format!("the album of {}", many.join(", ")),
        };
        let reply = topic_reply(reply_to, req.topic_id);
        let entities = (!entities.is_empty()).then_some(entities);
        if uploaded.len() == 1 {
            let random_id = random_id();
            let request = tl::functions::messages::SendMedia {
                silent: req.silent,
                background: false,
                clear_draft: false,
                noforwards: false,
                update_stickersets_order: false,
                invert_media: false,
                allow_paid_floodskip: false,
                peer: peer.into(),
                reply_to: reply,
                media: uploaded.pop().expect("one"),
                message: caption,
                random_id,
                reply_markup: None,
                entities,
                schedule_date: None,
                schedule_repeat_period: None,
                send_as: None,
                quick_reply_shortcut: None,
                effect: None,
                allow_paid_stars: None,
                suggested_post: None,
            };
            let updates = self.sent(self.command(&request).await, "messages.sendMedia", &what)?;
            if let tl::enums::Updates::UpdateShortSentMessage(short) = &updates {
                let sent = Sent {
                    peer,
                    text: &request.message,
                    entities: request.entities.as_deref().unwrap_or_default(),
                    reply_to,
                };
                return Ok(vec![self.complete_short(short, &sent).await]);
            }
            return self
                .messages_from(&updates, &[random_id], "messages.sendMedia", &what)
                .await;
        }
        // An album's items must be uploaded as media first; nothing is visible yet.
        let mut items = Vec::with_capacity(uploaded.len());
        for (k, media) in uploaded.into_iter().enumerate() {
            let request = tl::functions::messages::UploadMedia {
                business_connection_id: None,
                peer: peer.into(),
                media,
            };
            let media = self.command(&request).await.map_err(|e| match e {
                Error::UnknownOutcome(reason) => Error::Network(format!(
                    "{reason} (preparing {what}; nothing of it was sent)"
                )),
                other => other,
            })?;
            let media = input_media(media).ok_or_else(|| {
                Error::UnknownOutcome(format!(
                    "Telegram did not accept {} as album media — nothing of {what} was sent",
                    names[k]
                ))
            })?;
            let random_id = random_id();
            items.push((random_id, media));
        }
        let random_ids: Vec<i64> = items.iter().map(|(r, _)| *r).collect();
        let multi_media = items
            .into_iter()
            .enumerate()
            .map(|(k, (random_id, media))| {
                let (message, entities) = if k == 0 {
                    (caption.clone(), entities.clone())
                } else {
                    (String::new(), None)
                };
                tl::types::InputSingleMedia {
                    media,
                    random_id,
                    message,
                    entities,
                }
                .into()
            })
            .collect();
        let request = tl::functions::messages::SendMultiMedia {
            silent: req.silent,
            background: false,
            clear_draft: false,
            noforwards: false,
            update_stickersets_order: false,
            invert_media: false,
            allow_paid_floodskip: false,
            peer: peer.into(),
            reply_to: reply,
            multi_media,
            schedule_date: None,
            send_as: None,
            quick_reply_shortcut: None,
            effect: None,
            allow_paid_stars: None,
        };
        let updates = self.sent(
            self.command(&request).await,
            "messages.sendMultiMedia",
            &what,
        )?;
        self.messages_from(&updates, &random_ids, "messages.sendMultiMedia", &what)
            .await
    }

    fn sent(
        &self,
        answer: Result<tl::enums::Updates>,
        method: &str,
        what: &str,
    ) -> Result<tl::enums::Updates> {
        match answer {
            Err(Error::UnknownOutcome(reason)) => Err(lost_write(method, what, &reason)),
            other => other,
        }
    }

    /// The messages a send produced, in the order of `random_ids`.
    async fn messages_from(
        &self,
        updates: &tl::enums::Updates,
        random_ids: &[i64],
        method: &str,
        what: &str,
    ) -> Result<Vec<Message>> {
        let (users, chats) = updates_peers(updates);
        self.remember(users, chats).await?;
        let peers = Peers::new(users, chats);
        let list: Vec<&tl::enums::Update> = match updates {
            tl::enums::Updates::Updates(u) => u.updates.iter().collect(),
            tl::enums::Updates::Combined(u) => u.updates.iter().collect(),
            tl::enums::Updates::UpdateShort(u) => vec![&u.update],
            _ => Vec::new(),
        };
        let mut messages = Vec::with_capacity(random_ids.len());
        for random_id in random_ids {
            let id = list.iter().find_map(|u| match u {
                tl::enums::Update::MessageId(m) if m.random_id == *random_id => Some(m.id),
                _ => None,
            });
            let message = id.and_then(|id| {
                list.iter().find_map(|u| {
                    let raw = match u {
                        tl::enums::Update::NewMessage(m) => &m.message,
                        tl::enums::Update::NewChannelMessage(m) => &m.message,
                        _ => return None,
                    };
                    render::message(raw, &peers).filter(|m| m.id == id)
                })
            });
            match message {
                Some(message) => messages.push(message),
                None => {
                    return Err(lost_write(
                        method,
                        what,
                        "Telegram's answer did not include every message",
                    ));
                }
            }
        }
        Ok(messages)
    }

    /// Saves a message's photo or document inside `target.dir`, never over an existing
    /// file, and returns where.
    pub async fn download_media(
        &self,
        chat: &str,
        message_id: i32,
        target: DownloadTarget,
    ) -> Result<Downloaded> {
        self.download_media_with(chat, message_id, target, None)
            .await
    }

    /// [`Telegram::download_media`], telling `progress` the bytes written of the file's
    /// size as each chunk arrives.
    pub async fn download_media_with(
        &self,
        chat: &str,
        message_id: i32,
        target: DownloadTarget,
        progress: Option<&dyn super::Progress>,
    ) -> Result<Downloaded> {
        use tokio::io::AsyncWriteExt;
        if message_id <= 0 {
            return Err(Error::InvalidInput(format!(
                "message id {message_id} is not valid"
            )));
        }
        let peer = self.resolve(chat).await?;
        let raw = self
            .messages_of(&peer, &[message_id])
            .await?
            .into_iter()
            .find_map(|(raw, rendered)| match raw {
                tl::enums::Message::Message(m) if rendered.id == message_id => Some(m),
                _ => None,
            });
        let message = raw.ok_or_else(|| {
            Error::NotFound(format!("message {message_id} does not exist in {chat}"))
        })?;
        use grammers_client::media::Media;
        let media = message.media.and_then(Media::from_raw).ok_or_else(|| {
            Error::NotFound(format!("message {message_id} has no media to download"))
        })?;
        let (name, mime_type) = match &media {
            Media::Photo(_) => (format!("photo_{message_id}.jpg"), "image/jpeg".to_owned()),
            Media::Document(d) => {
                let mime = d
                    .mime_type()
                    .unwrap_or("application/octet-stream")
                    .to_owned();
                let name = d.name().and_then(download_name).unwrap_or_else(|| {
                    let ext = extension_for(&mime).map_or(String::new(), |e| format!(".{e}"));
                    format!("file_{message_id}{ext}")
                });
                (name, mime)
            }
            Media::Sticker(_) => (
                format!("sticker_{message_id}.webp"),
                "image/webp".to_owned(),
            ),
            _ => {
                return Err(Error::NotFound(format!(
                    "message {message_id}'s media (a contact, location, poll or web page) is not a file"
                )));
            }
        };
        {
            use grammers_client::media::Downloadable as _;
            // An expired or empty photo has no file to fetch: the request cannot succeed,
            // whatever the network does.
            if media.to_raw_input_location().is_none() && media.to_data().is_none() {
                return Err(Error::Rejected(format!(
                    "message {message_id}'s media cannot be downloaded: Telegram sent no file for it (it may have expired or been deleted)"
                )));
            }
        }
        let expected = media.size();
        let (path, mut file) = {
            let name = name.clone();
            tokio::task::spawn_blocking(move || create_target(&target, &name))
                .await
                .map_err(|e| Error::InvalidInput(format!("cannot create the file: {e}")))??
        };
        let written = async {
            let mut download = self.client().iter_download(&media);
            let mut size = 0u64;
            while let Some(chunk) = download.next().await.map_err(Error::from)? {
                size += chunk.len() as u64;
                file.write_all(&chunk)
                    .await
                    .map_err(|e| Error::InvalidInput(format!("writing {}: {e}", path.display())))?;
                if let Some(progress) = progress {
                    progress.advance(size, expected.map(|e| e as u64));
                }
            }
            file.flush()
                .await
                .map_err(|e| Error::InvalidInput(format!("writing {}: {e}", path.display())))?;
            Ok::<u64, Error>(size)
        };
        let timeout = self.upload_timeout(expected.unwrap_or(0) as u64);
        let outcome = match tokio::time::timeout(timeout, written).await {
            Ok(outcome) => outcome,
            Err(_) => Err(Error::Network(format!(
                "the download took longer than {} s",
                timeout.as_secs()
            ))),
        };
        match outcome {
            Ok(size) if expected.is_none_or(|e| e as u64 == size) => Ok(Downloaded {
                path: path.display().to_string(),
                size,
                mime_type,
            }),
            Ok(size) => {
                let _ = tokio::fs::remove_file(&path).await;
                Err(Error::Network(format!(
                    "the download stopped at {size} of {} bytes; nothing was kept",
                    expected.unwrap_or(0)
                )))
            }
            Err(e) => {
                // Half a file is worse than none.
                let _ = tokio::fs::remove_file(&path).await;
                Err(e)
            }
        }
    }
}

/// Opens a new file (0600) for a download inside `target.dir`: the caller's name must stay
/// inside it and not exist; a default name gets ` (1)`, ` (2)` … instead. Folders the
/// caller's path needs are created (0700) one at a time, each only after the one above
/// it is known to be inside the download folder, so nothing is ever created outside it
/// through a symlink.
fn create_target(
    target: &DownloadTarget,
    default_name: &str,
) -> Result<(PathBuf, tokio::fs::File)> {
    crate::config::ensure_private_dir(&target.dir).map_err(|e| {
        Error::Config(format!(
            "cannot create the download folder {}: {e}",
            target.dir.display()
        ))
    })?;
    let dir = std::fs::canonicalize(&target.dir)
        .map_err(|e| Error::Config(format!("{}: {e}", target.dir.display())))?;
    let open = |path: &Path| {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            options.mode(0o600);
        }
        options.open(path)
    };
    if let Some(chosen) = &target.path {
        let relative = Path::new(chosen);
        let escapes = relative.is_absolute()
            || relative
                .components()
                .any(|c| !matches!(c, std::path::Component::Normal(_)));
        if escapes || chosen.trim().is_empty() {
            return Err(Error::InvalidInput(format!(
                "path {chosen:?} must be a file name or a relative path inside the download folder {} (no .., not absolute)",
                dir.display()
            )));
        }
        let outside = || {
            Error::Forbidden(format!(
                "{chosen}: a symlink leads outside the download folder; nothing was created"
            ))
        };
        // Walk down, checking each existing folder and creating each missing one.
        let mut parent = dir.clone();
        let folders: Vec<_> = relative.components().collect();
        for component in &folders[..folders.len().saturating_sub(1)] {
            let next = parent.join(component);
            match std::fs::symlink_metadata(&next) {
                Ok(_) => {
                    let resolved = std::fs::canonicalize(&next)
                        .map_err(|e| Error::InvalidInput(format!("{}: {e}", next.display())))?;
                    if !resolved.starts_with(&dir) {
                        return Err(outside());
                    }
                    if !resolved.is_dir() {
                        return Err(Error::InvalidInput(format!(
                            "{}: not a folder",
                            next.display()
                        )));
                    }
                    parent = resolved;
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    let mut builder = std::fs::DirBuilder::new();
                    #[cfg(unix)]
                    {
                        use std::os::unix::fs::DirBuilderExt as _;
                        builder.mode(0o700);
                    }
                    builder
                        .create(&next)
                        .map_err(|e| Error::InvalidInput(format!("{}: {e}", next.display())))?;
                    parent = next;
                }
                Err(e) => return Err(Error::InvalidInput(format!("{}: {e}", next.display()))),
            }
        }
        let path = parent.join(folders.last().expect("not empty: checked above"));
        return match open(&path) {
            Ok(file) => Ok((path, tokio::fs::File::from_std(file))),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                Err(Error::InvalidInput(format!(
                    "{} already exists — choose another path (files are never overwritten)",
                    path.display()
                )))
            }
            Err(e) => Err(Error::InvalidInput(format!("{}: {e}", path.display()))),
        };
    }
    let (stem, ext) = match default_name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => (stem.to_owned(), format!(".{ext}")),
        _ => (default_name.to_owned(), String::new()),
    };
    for n in 0..1000 {
        let name = if n == 0 {
            format!("{stem}{ext}")
        } else {
            format!("{stem} ({n}){ext}")
        };
        let path = dir.join(name);
        match open(&path) {
            Ok(file) => return Ok((path, tokio::fs::File::from_std(file))),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(Error::InvalidInput(format!("{}: {e}", path.display()))),
        }
    }
    Err(Error::InvalidInput(format!(
        "too many files named like {default_name} in {}",
        dir.display()
    )))
}

fn upload_error(name: &str, error: std::io::Error) -> Error {
    if error
        .get_ref()
        .is_some_and(|inner| inner.is::<grammers_client::sender::InvocationError>())
    {
        let inner = error.into_inner().expect("checked above");
        match inner.downcast::<grammers_client::sender::InvocationError>() {
            Ok(invocation) => return Error::from(*invocation),
            Err(other) => return Error::Network(format!("uploading {name}: {other}")),
        }
    }
    Error::InvalidInput(format!("reading {name} for upload: {error}"))
}

/// The `InputMedia` for a file just uploaded.
fn uploaded_media(
    file: tl::enums::InputFile,
    prepared: &PreparedFile,
    kind: Kind,
) -> tl::enums::InputMedia {
    if kind == Kind::Photo {
        return tl::types::InputMediaUploadedPhoto {
            spoiler: false,
            live_photo: false,
            file,
            stickers: None,
            ttl_seconds: None,
            video: None,
        }
        .into();
    }
    let mut attributes: Vec<tl::enums::DocumentAttribute> = vec![
        tl::types::DocumentAttributeFilename {
            file_name: prepared.name.clone(),
        }
        .into(),
    ];
    if let Some((w, h)) = prepared.image_size {
        attributes.push(
            tl::types::DocumentAttributeImageSize {
                w: w as i32,
                h: h as i32,
            }
            .into(),
        );
    }
    if kind == Kind::Video {
        // Duration and size are not known without decoding; Telegram fills them in.
        attributes.push(
            tl::types::DocumentAttributeVideo {
                round_message: false,
                supports_streaming: true,
                nosound: false,
                duration: 0.0,
                w: 0,
                h: 0,
                preload_prefix_size: None,
                video_start_ts: None,
                video_codec: None,
            }
            .into(),
        );
    }
    tl::types::InputMediaUploadedDocument {
        nosound_video: false,
        force_file: kind == Kind::Document && prepared.mime_type.starts_with("image/"),
        spoiler: false,
        file,
        thumb: None,
        mime_type: prepared.mime_type.clone(),
        attributes,
        stickers: None,
        video_cover: None,
        video_timestamp: None,
        ttl_seconds: None,
    }
    .into()
}

/// The `InputMedia` that names media messages.uploadMedia answered with.
fn input_media(media: tl::enums::MessageMedia) -> Option<tl::enums::InputMedia> {
    match media {
        tl::enums::MessageMedia::Photo(p) => match p.photo? {
            tl::enums::Photo::Photo(photo) => Some(
                tl::types::InputMediaPhoto {
                    spoiler: false,
                    live_photo: false,
                    id: tl::types::InputPhoto {
                        id: photo.id,
                        access_hash: photo.access_hash,
                        file_reference: photo.file_reference,
                    }
                    .into(),
                    ttl_seconds: None,
                    video: None,
                }
                .into(),
            ),
            tl::enums::Photo::Empty(_) => None,
        },
        tl::enums::MessageMedia::Document(d) => match d.document? {
            tl::enums::Document::Document(doc) => Some(
                tl::types::InputMediaDocument {
                    spoiler: false,
                    id: tl::types::InputDocument {
                        id: doc.id,
                        access_hash: doc.access_hash,
                        file_reference: doc.file_reference,
                    }
                    .into(),
                    video_cover: None,
                    video_timestamp: None,
                    ttl_seconds: None,
                    query: None,
                }
                .into(),
            ),
            tl::enums::Document::Empty(_) => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn albums_group_by_kind_and_hold_ten() {
        use Kind::*;
        assert_eq!(batches(&[Photo]), vec![vec![0]]);
        assert_eq!(
            batches(&[Photo, Document, Video]),
            vec![vec![0, 2], vec![1]]
        );
        assert_eq!(
            batches(&[Document; 11])
                .iter()
                .map(Vec::len)
                .collect::<Vec<_>>(),
            [10, 1]
        );
        assert_eq!(batches(&[Audio, Photo, Audio]), vec![vec![0, 2], vec![1]]);
    }

    #[test]
    fn data_uris() {
        let file = prepare_data("data:text/plain;name=notes.txt;base64,aGVsbG8=", 100).unwrap();
        assert_eq!(
            (file.name.as_str(), file.mime_type.as_str(), file.size),
            ("notes.txt", "text/plain", 5)
        );
        let file = prepare_data("data:,hello%20world", 100).unwrap();
        assert_eq!(file.size, 11);
        assert!(prepare_data("data:text/plain;base64,!!!", 100).is_err());
        assert!(prepare_data("data:text/plain,", 100).is_err());
        let big = prepare_data("data:,0123456789", 5).unwrap_err();
        assert!(big.to_string().contains("--max-file-size"), "{big}");
    }

    #[test]
    fn reads_png_and_jpeg_sizes() {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        png.extend_from_slice(&640u32.to_be_bytes());
        png.extend_from_slice(&480u32.to_be_bytes());
        assert_eq!(image_size(&png), Some((640, 480)));
        // SOI, an APP0 segment of 4 bytes, then SOF0 with height 100 and width 200.
        let jpeg = [
            0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0x00, 0x00, 0xff, 0xc0, 0x00, 0x11, 0x08, 0x00,
            0x64, 0x00, 0xc8,
        ];
        assert_eq!(image_size(&jpeg), Some((200, 100)));
        assert_eq!(image_size(b"GIF89a"), None);
    }
}

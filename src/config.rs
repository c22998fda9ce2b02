//! Profiles, paths and settings, resolved once and passed in: this is the only module
//! that reads the environment (through [`Env`], so tests pass their own).
//!
//! Precedence for every setting: command-line flag > environment (`TGMCP_*`, then the
//! reference server's `API_ID`/`API_HASH` names) > config file (TOML) > default.
//!
//! Where things live (from the `directories` crate, e.g. on Linux):
//!
//! - config file: `$XDG_CONFIG_HOME/tgmcp/config.toml` (`~/.config/tgmcp/config.toml`);
//! - per-profile data: `$XDG_DATA_HOME/tgmcp/<profile>/` (`~/.local/share/tgmcp/<profile>/`)
//!   holding `session.json`, `login.json` and `token`.
//!
//! `TGMCP_HOME=/some/dir` puts everything in one folder instead: the config file at
//! `/some/dir/config.toml` and profile data under `/some/dir/data/<profile>/`.
//!
//! Directories are created 0700 and secret files 0600 at creation, never chmod-ed
//! afterwards, so there is no moment when a secret is readable by others.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::Deserialize;

use crate::error::{Error, Result};

pub mod env_file;
pub mod reference;

pub use env_file::EnvFile;

/// The profile used when none is named.
pub const DEFAULT_PROFILE: &str = "default";

/// Names of the files in a profile's data directory.
pub const SESSION_FILE: &str = "session.json";
pub const LOGIN_FILE: &str = "login.json";
pub const CREDENTIALS_FILE: &str = "credentials.json";
pub const TOKEN_FILE: &str = "token";

/// A snapshot of the environment variables tgmcp cares about.
///
/// `main` builds it from the process with [`Env::from_process`]; tests build it from a
/// list, so they never mutate (or depend on) the real environment. An empty value counts
/// as unset, as shells make `VAR=` the easy way to clear something.
#[derive(Clone, Default)]
pub struct Env {
    vars: HashMap<String, String>,
    /// Variables that came from an `--env-file`, and which file.
    from_file: HashMap<String, PathBuf>,
}

impl Env {
    pub fn from_process() -> Self {
        // Non-UTF-8 values cannot be any of our settings; skipping them beats failing.
        std::env::vars_os()
            .filter_map(|(key, value)| Some((key.into_string().ok()?, value.into_string().ok()?)))
            .collect()
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.vars
            .get(key)
            .map(String::as_str)
            .filter(|value| !value.is_empty())
    }

    /// Every variable that is set (non-empty), in no particular order.
    pub fn vars(&self) -> impl Iterator<Item = (&str, &str)> {
        self.vars
            .iter()
            .filter(|(_, value)| !value.is_empty())
            .map(|(key, value)| (key.as_str(), value.as_str()))
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for Env {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        Self {
            vars: iter
                .into_iter()
                .map(|(key, value)| (key.into(), value.into()))
                .collect(),
            from_file: HashMap::new(),
        }
    }
}

impl Env {
    /// The process environment over `--env-file`'s settings, if one is named.
    pub fn load(env_file: Option<&Path>) -> Result<(Self, Option<EnvFile>)> {
        let env = Self::from_process();
        match env_file {
            None => Ok((env, None)),
            Some(path) => {
                let file = EnvFile::read(path)?;
                Ok((env.under(&file), Some(file)))
            }
        }
    }

    /// Fills in what this environment does not set (or sets empty) from `file`.
    pub fn under(mut self, file: &EnvFile) -> Self {
        for (key, value) in &file.vars {
            if self.get(key).is_none() {
                self.vars.insert(key.clone(), value.clone());
                self.from_file.insert(key.clone(), file.path.clone());
            }
        }
        self
    }

    /// `KEY="value" (in FILE)` or `KEY="value" (in the environment)`, for an error
    /// message about a setting that is not secret.
    pub fn describe(&self, key: &str) -> String {
        let value = self.get(key).unwrap_or_default();
        match self.from_file.get(key) {
            Some(path) => format!("{key}={value:?} (in {})", path.display()),
            None => format!("{key}={value:?} (in the environment)"),
        }
    }
}

impl fmt::Debug for Env {
    /// Names only: values may hold secrets.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut keys: Vec<&str> = self.vars.keys().map(String::as_str).collect();
        keys.sort_unstable();
        f.debug_struct("Env").field("keys", &keys).finish()
    }
}

/// A validated profile name: 1 to 64 of `A-Z a-z 0-9 _ -`.
///
/// It becomes a directory name, so anything else (`..`, `/`, spaces) is refused.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProfileName(String);

impl ProfileName {
    pub fn new(name: &str) -> Result<Self> {
        let valid = (1..=64).contains(&name.len())
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if valid {
            Ok(Self(name.to_owned()))
        } else {
            Err(Error::Config(format!(
                "invalid profile name {name:?} — use 1 to 64 letters, digits, '_' or '-'"
            )))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_default(&self) -> bool {
        self.0 == DEFAULT_PROFILE
    }
}

impl Default for ProfileName {
    fn default() -> Self {
        Self(DEFAULT_PROFILE.to_owned())
    }
}

impl FromStr for ProfileName {
    type Err = Error;

    fn from_str(name: &str) -> Result<Self> {
        Self::new(name)
    }
}

impl fmt::Display for ProfileName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for ProfileName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Where configuration and per-profile data live.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Paths {
    pub config_dir: PathBuf,
    pub data_dir: PathBuf,
}

impl Paths {
    pub fn new(config_dir: impl Into<PathBuf>, data_dir: impl Into<PathBuf>) -> Self {
        Self {
            config_dir: config_dir.into(),
            data_dir: data_dir.into(),
        }
    }

    /// `TGMCP_HOME` if set (config in it, data in `data/` under it), otherwise the
    /// platform's directories (on Linux these honour `XDG_CONFIG_HOME`, `XDG_DATA_HOME`
    /// and `HOME`).
    pub fn resolve(env: &Env) -> Result<Self> {
        if let Some(home) = env.get("TGMCP_HOME") {
            let home = std::path::absolute(home).map_err(|e| {
                Error::Config(format!("TGMCP_HOME={home:?} is not a usable path: {e}"))
            })?;
            return Ok(Self::new(home.clone(), home.join("data")));
        }
        let dirs = directories::ProjectDirs::from("", "", "tgmcp").ok_or_else(|| {
            Error::Config(
                "cannot find a home directory for tgmcp's files — set HOME, or TGMCP_HOME to a folder of your choice"
                    .to_owned(),
            )
        })?;
        Ok(Self::new(dirs.config_dir(), dirs.data_dir()))
    }

    /// The default config file, `<config_dir>/config.toml`.
    pub fn config_file(&self) -> PathBuf {
        self.config_dir.join("config.toml")
    }

    pub fn profile_dir(&self, profile: &ProfileName) -> PathBuf {
        self.data_dir.join(profile.as_str())
    }

    pub fn session_file(&self, profile: &ProfileName) -> PathBuf {
        self.profile_dir(profile).join(SESSION_FILE)
    }

    pub fn login_file(&self, profile: &ProfileName) -> PathBuf {
        self.profile_dir(profile).join(LOGIN_FILE)
    }

    pub fn token_file(&self, profile: &ProfileName) -> PathBuf {
        self.profile_dir(profile).join(TOKEN_FILE)
    }

    /// Creates the profile's data directory (and any missing parent) 0700.
    pub fn ensure_profile_dir(&self, profile: &ProfileName) -> Result<PathBuf> {
        let dir = self.profile_dir(profile);
        ensure_private_dir(&dir).map_err(|e| {
            Error::Config(format!(
                "cannot create the profile directory {}: {e} — check the permissions of its parent, or set TGMCP_HOME",
                dir.display()
            ))
        })?;
        Ok(dir)
    }
}

/// Refuses, as ssh does with keys, a profile folder or secret file that another user
/// owns or others may read: someone else could have planted it (a session or token of
/// their choosing) or could read it. A missing path is fine (it will be created
/// private). `what` names it in the error.
pub fn check_private(path: &Path, what: &str) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        let meta = match fs::metadata(path) {
            Ok(meta) => meta,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => {
                return Err(Error::Config(format!(
                    "cannot check {what} {}: {e}",
                    path.display()
                )));
            }
        };
        let shown = path.display();
        if let Some(me) = effective_uid()
            && meta.uid() != me
        {
            return Err(Error::Config(format!(
                "{what} {shown} belongs to another user (uid {}), so tgmcp does not trust it — make it yours (`chown -R {me} {shown}`) or use a profile of your own (--profile, TGMCP_HOME)",
                meta.uid()
            )));
        }
        let mode = meta.mode() & 0o777;
        if mode & 0o077 != 0 {
            let fix = if meta.is_dir() { "700" } else { "600" };
            return Err(Error::Config(format!(
                "{what} {shown} is accessible by other users (mode {mode:03o}) and holds your login — run `chmod {fix} {shown}`"
            )));
        }
    }
    #[cfg(not(unix))]
    let _ = (path, what);
    Ok(())
}

/// This process's effective user id: the owner of `/proc/self` (Linux). `None` where
/// that is not available, and then only the mode is checked.
#[cfg(unix)]
fn effective_uid() -> Option<u32> {
    use std::os::unix::fs::MetadataExt as _;
    fs::metadata("/proc/self").ok().map(|m| m.uid())
}

/// Creates `dir` and any missing parents with mode 0700. An existing directory is left
/// as it is: its permissions are the owner's choice.
pub fn ensure_private_dir(dir: &Path) -> io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt as _;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Opens (creating if needed, mode 0600) a file for reading and writing without
/// truncating it; used for lock files next to secrets.
pub fn open_private_file(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    options.open(path)
}

/// Replaces `path` with `bytes` atomically: readers see the old file or the new one,
/// never a torn write, and the new file is 0600 from the moment it exists.
///
/// Writes a temporary file created with `create_new` in the same directory, fsyncs it,
/// renames it over `path` and fsyncs the directory so the rename survives a crash.
pub fn write_private_file_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);

    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "path has no file name"))?
        .to_string_lossy();

    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }

    // A leftover from a crashed process may hold a name; try a few.
    let (temp, mut file) = {
        let mut attempt = 0;
        loop {
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let temp = dir.join(format!(".{name}.{}.{n}.tmp", std::process::id()));
            match options.open(&temp) {
                Ok(file) => break (temp, file),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempt < 16 => attempt += 1,
                Err(e) => return Err(e),
            }
        }
    };

    let written = file
        .write_all(bytes)
        .and_then(|()| file.sync_all())
        .and_then(|()| {
            drop(file);
            fs::rename(&temp, path)
        });
    if let Err(e) = written {
        let _ = fs::remove_file(&temp);
        return Err(e);
    }
    sync_dir(dir);
    Ok(())
}

/// Best effort: some filesystems refuse fsync on directories, and the data is already
/// in place; only durability across a power cut is at stake.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(dir) = File::open(dir) {
        let _ = dir.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// Telegram API credentials from https://my.telegram.org.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub api_id: i32,
    pub api_hash: String,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("api_id", &self.api_id)
            .field("api_hash", &"<redacted>")
            .finish()
    }
}

/// Where a setting's value came from, so an error can point at it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    Flag(&'static str),
    Env(&'static str),
    File {
        path: PathBuf,
        table: Option<String>,
    },
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Flag(flag) => write!(f, "the {flag} flag"),
            Self::Env(name) => write!(f, "the environment variable {name}"),
            Self::File { path, table: None } => write!(f, "{}", path.display()),
            Self::File {
                path,
                table: Some(table),
            } => write!(f, "[{table}] in {}", path.display()),
        }
    }
}

/// The settings a config file may hold, at the top level or per profile.
#[derive(Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    #[serde(default, deserialize_with = "deserialize_api_id")]
    api_id: Option<i32>,
    api_hash: Option<String>,
    /// Per-chat access lists (issue 20), see [`AccessSettings`].
    #[serde(default)]
    access: Option<AccessSettings>,
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfigFile {
    #[serde(default, deserialize_with = "deserialize_api_id")]
    api_id: Option<i32>,
    api_hash: Option<String>,
    #[serde(default)]
    access: Option<AccessSettings>,
    #[serde(default)]
    profiles: BTreeMap<String, Settings>,
}

/// The optional TOML config file:
///
/// ```toml
/// api_id = 12345
/// api_hash = "0123456789abcdef0123456789abcdef"
///
/// [profiles.work]          # wins over the top level for --profile work
/// api_id = 67890
/// api_hash = "fedcba9876543210fedcba9876543210"
/// ```
#[derive(Clone, Default)]
pub struct ConfigFile {
    path: Option<PathBuf>,
    top: Settings,
    profiles: BTreeMap<String, Settings>,
}

impl fmt::Debug for ConfigFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConfigFile")
            .field("path", &self.path)
            .field("profiles", &self.profiles.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl ConfigFile {
    /// Reads the config file at `path`; a missing file is an empty configuration.
    pub fn load(path: &Path) -> Result<Self> {
        match fs::read_to_string(path) {
            Ok(text) => Self::parse(&text, path),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Self {
                path: Some(path.to_owned()),
                ..Self::default()
            }),
            Err(e) => Err(Error::Config(format!(
                "cannot read the config file {}: {e}",
                path.display()
            ))),
        }
    }

    /// Like [`ConfigFile::load`], for a file the user named: missing is an error.
    pub fn load_required(path: &Path) -> Result<Self> {
        if !path.exists() {
            return Err(Error::Config(format!(
                "config file {} does not exist — create it or point --config/TGMCP_CONFIG elsewhere",
                path.display()
            )));
        }
        Self::load(path)
    }

    /// Parses config text; `path` names the file in error messages.
    pub fn parse(text: &str, path: &Path) -> Result<Self> {
        let raw: RawConfigFile = toml::from_str(text).map_err(|e| {
            let at = e
                .span()
                .map(|span| {
                    let (line, column) = line_column(text, span.start);
                    format!(" at line {line}, column {column}")
                })
                .unwrap_or_default();
            Error::Config(format!(
                "config file {} is invalid{at}: {} — fix or remove that entry",
                path.display(),
                e.message().trim_end()
            ))
        })?;
        for name in raw.profiles.keys() {
            ProfileName::new(name).map_err(|_| {
                Error::Config(format!(
                    "config file {} has [profiles.{name}], which is not a valid profile name — use 1 to 64 letters, digits, '_' or '-'",
                    path.display()
                ))
            })?;
        }
        Ok(Self {
            path: Some(path.to_owned()),
            top: Settings {
                api_id: raw.api_id,
                api_hash: raw.api_hash,
                access: raw.access,
            },
            profiles: raw.profiles,
        })
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// A profile's value for a setting: its `[profiles.NAME]` table first, then the top level.
    fn lookup<T: Clone>(
        &self,
        profile: &ProfileName,
        get: impl Fn(&Settings) -> Option<T>,
    ) -> Option<(T, Source)> {
        let path = self.path.clone().unwrap_or_default();
        if let Some(value) = self.profiles.get(profile.as_str()).and_then(&get) {
            let table = Some(format!("profiles.{profile}"));
            return Some((value, Source::File { path, table }));
        }
        get(&self.top).map(|value| (value, Source::File { path, table: None }))
    }
}

fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// Accepts `api_id = 12345` and `api_id = "12345"`.
fn deserialize_api_id<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> std::result::Result<Option<i32>, D::Error> {
    struct Visitor;

    impl serde::de::Visitor<'_> for Visitor {
        type Value = i32;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("api_id as a positive number, like 12345")
        }

        fn visit_i64<E: serde::de::Error>(self, v: i64) -> std::result::Result<i32, E> {
            i32::try_from(v)
                .ok()
                .filter(|v| *v > 0)
                .ok_or_else(|| E::custom(format!("api_id must be a positive number, got {v}")))
        }

        fn visit_u64<E: serde::de::Error>(self, v: u64) -> std::result::Result<i32, E> {
            self.visit_i64(i64::try_from(v).unwrap_or(-1))
        }

        fn visit_str<E: serde::de::Error>(self, v: &str) -> std::result::Result<i32, E> {
            parse_api_id(v)
                .ok_or_else(|| E::custom(format!("api_id must be a positive number, got {v:?}")))
        }
    }

    deserializer.deserialize_any(Visitor).map(Some)
}

fn parse_api_id(text: &str) -> Option<i32> {
    text.trim().parse::<i32>().ok().filter(|v| *v > 0)
}

/// Environment names for the API id, in precedence order.
const API_ID_ENV: [&str; 2] = ["TGMCP_API_ID", "API_ID"];
const API_HASH_ENV: [&str; 2] = ["TGMCP_API_HASH", "API_HASH"];

/// The API id by precedence: `flag` > `TGMCP_API_ID` > `API_ID` > config file.
pub fn resolve_api_id(
    flag: Option<i32>,
    env: &Env,
    file: &ConfigFile,
    profile: &ProfileName,
) -> Result<Option<(i32, Source)>> {
    if let Some(api_id) = flag {
        return Ok(Some((api_id, Source::Flag("--api-id"))));
    }
    for name in API_ID_ENV {
        if let Some(value) = env.get(name) {
            return match parse_api_id(value) {
                Some(api_id) => Ok(Some((api_id, Source::Env(name)))),
                None => Err(Error::Config(format!(
                    "{name}={value:?} is not an api_id — set it to the number shown at https://my.telegram.org"
                ))),
            };
        }
    }
    Ok(file.lookup(profile, |s| s.api_id))
}

/// The API hash by precedence: `flag` > `TGMCP_API_HASH` > `API_HASH` > config file.
pub fn resolve_api_hash(
    flag: Option<&str>,
    env: &Env,
    file: &ConfigFile,
    profile: &ProfileName,
) -> Option<(String, Source)> {
    let clean = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    if let Some(api_hash) = flag.and_then(clean) {
        return Some((api_hash, Source::Flag("--api-hash")));
    }
    for name in API_HASH_ENV {
        if let Some(api_hash) = env.get(name).and_then(clean) {
            return Some((api_hash, Source::Env(name)));
        }
    }
    file.lookup(profile, |s| s.api_hash.as_deref().and_then(clean))
}

/// Both credentials, or `None` when neither is configured anywhere. Half a pair is an
/// error that says where the other half came from.
pub fn resolve_credentials(
    api_id_flag: Option<i32>,
    api_hash_flag: Option<&str>,
    env: &Env,
    file: &ConfigFile,
    profile: &ProfileName,
) -> Result<Option<Credentials>> {
    let api_id = resolve_api_id(api_id_flag, env, file, profile)?;
    let api_hash = resolve_api_hash(api_hash_flag, env, file, profile);
    match (api_id, api_hash) {
        (Some((api_id, _)), Some((api_hash, _))) => Ok(Some(Credentials { api_id, api_hash })),
        (None, None) => Ok(None),
        (Some((_, source)), None) => Err(Error::Config(format!(
            "api_id is set (by {source}) but api_hash is not — pass --api-hash, set TGMCP_API_HASH, or add api_hash to the config file"
        ))),
        (None, Some((_, source))) => Err(Error::Config(format!(
            "api_hash is set (by {source}) but api_id is not — pass --api-id, set TGMCP_API_ID, or add api_id to the config file"
        ))),
    }
}

/// What the command line says about configuration; `None` falls back to the environment.
#[derive(Clone, Debug, Default)]
pub struct Overrides<'a> {
    pub profile: Option<&'a str>,
    pub config_file: Option<&'a Path>,
}

/// The resolved configuration for one run.
#[derive(Clone, Debug)]
pub struct Config {
    pub profile: ProfileName,
    pub paths: Paths,
    pub file: ConfigFile,
}

impl Config {
    /// Profile: flag > `TGMCP_PROFILE` > `default`. Config file: flag > `TGMCP_CONFIG`
    /// (both must exist) > `<config_dir>/config.toml` (optional).
    pub fn load(overrides: &Overrides<'_>, env: &Env) -> Result<Self> {
        let profile = overrides
            .profile
            .or_else(|| env.get("TGMCP_PROFILE"))
            .map_or_else(|| Ok(ProfileName::default()), ProfileName::new)?;
        let paths = Paths::resolve(env)?;
        let named = overrides
            .config_file
            .map(Path::to_owned)
            .or_else(|| env.get("TGMCP_CONFIG").map(PathBuf::from));
        let file = match named {
            Some(path) => ConfigFile::load_required(&path)?,
            None => ConfigFile::load(&paths.config_file())?,
        };
        // Sessions, tokens, credentials and the config file are never sent as files.
        crate::telegram::files::keep_private(&paths.data_dir);
        crate::telegram::files::keep_private(&paths.config_file());
        if let Some(path) = file.path() {
            crate::telegram::files::keep_private(path);
        }
        Ok(Self {
            profile,
            paths,
            file,
        })
    }

    pub fn credentials(
        &self,
        api_id_flag: Option<i32>,
        api_hash_flag: Option<&str>,
        env: &Env,
    ) -> Result<Option<Credentials>> {
        resolve_credentials(api_id_flag, api_hash_flag, env, &self.file, &self.profile)
    }

    pub fn profile_dir(&self) -> PathBuf {
        self.paths.profile_dir(&self.profile)
    }

    pub fn session_file(&self) -> PathBuf {
        self.paths.session_file(&self.profile)
    }

    pub fn login_file(&self) -> PathBuf {
        self.paths.login_file(&self.profile)
    }

    pub fn token_file(&self) -> PathBuf {
        self.paths.token_file(&self.profile)
    }

    /// Where the profile keeps the api_id/api_hash it logged in with.
    pub fn credentials_file(&self) -> PathBuf {
        self.profile_dir().join(CREDENTIALS_FILE)
    }

    /// Refuses a profile folder or bearer token that is another user's or readable by
    /// others ([`check_private`]).
    pub fn check_profile_private(&self) -> Result<()> {
        check_private(&self.profile_dir(), "the profile folder")?;
        check_private(&self.token_file(), "the bearer token file")
    }

    /// Creates the profile's data directory 0700 and returns it.
    pub fn ensure_profile_dir(&self) -> Result<PathBuf> {
        self.paths.ensure_profile_dir(&self.profile)
    }
}

/// The credentials a profile logged in with, kept beside its session (0600) so later runs
/// (`serve` from an IDE config) need no flags. Lowest precedence: flags, environment and
/// the config file all override it.
pub fn load_saved_credentials(path: &Path) -> Result<Option<Credentials>> {
    #[derive(Deserialize)]
    struct Saved {
        api_id: i32,
        api_hash: String,
    }
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(Error::Config(format!(
                "cannot read {}: {e}",
                path.display()
            )));
        }
    };
    let saved: Saved = serde_json::from_str(&text).map_err(|e| {
        Error::Config(format!(
            "{} is damaged ({e}) — delete it and run `tgmcp setup` again",
            path.display()
        ))
    })?;
    Ok(Some(Credentials {
        api_id: saved.api_id,
        api_hash: saved.api_hash,
    }))
}

pub fn save_credentials(path: &Path, credentials: &Credentials) -> Result<()> {
    let text = serde_json::json!({"api_id": credentials.api_id, "api_hash": credentials.api_hash})
        .to_string();
    write_private_file_atomic(path, text.as_bytes())
        .map_err(|e| Error::Config(format!("cannot write {}: {e}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &[(&str, &str)]) -> Env {
        vars.iter().copied().collect()
    }

    fn profile(name: &str) -> ProfileName {
        ProfileName::new(name).unwrap()
    }

    fn file(text: &str) -> ConfigFile {
        ConfigFile::parse(text, Path::new("/cfg/config.toml")).unwrap()
    }

    #[test]
    fn profile_names() {
        for good in ["default", "work", "a", "A-b_9", &"x".repeat(64)] {
            assert!(ProfileName::new(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "..",
            "a/b",
            "../x",
            "a b",
            "é",
            ".hidden",
            &"x".repeat(65),
            "a\0",
        ] {
            let error = ProfileName::new(bad).unwrap_err();
            assert_eq!(error.kind(), "config", "{bad}");
            assert!(error.to_string().contains("invalid profile name"));
        }
        assert!(ProfileName::default().is_default());
    }

    #[test]
    fn empty_env_values_are_unset() {
        let env = env(&[("A", ""), ("B", "x")]);
        assert_eq!(env.get("A"), None);
        assert_eq!(env.get("B"), Some("x"));
        assert_eq!(env.get("C"), None);
        assert!(!format!("{env:?}").contains('x'));
    }

    #[test]
    fn tgmcp_home_puts_everything_in_one_folder() {
        let paths = Paths::resolve(&env(&[("TGMCP_HOME", "/srv/tg")])).unwrap();
        assert_eq!(paths, Paths::new("/srv/tg", "/srv/tg/data"));
        let work = profile("work");
        assert_eq!(paths.config_file(), Path::new("/srv/tg/config.toml"));
        assert_eq!(
            paths.session_file(&work),
            Path::new("/srv/tg/data/work/session.json")
        );
        assert_eq!(
            paths.login_file(&work),
            Path::new("/srv/tg/data/work/login.json")
        );
        assert_eq!(
            paths.token_file(&work),
            Path::new("/srv/tg/data/work/token")
        );
    }

    #[test]
    fn credentials_precedence() {
        let p = profile("work");
        let cfg = file(
            "api_id = 1\napi_hash = \"top\"\n[profiles.work]\napi_id = \"2\"\napi_hash = \"work\"\n",
        );
        let none = Env::default();

        // Profile table wins over the top level; other profiles get the top level.
        let c = resolve_credentials(None, None, &none, &cfg, &p)
            .unwrap()
            .unwrap();
        assert_eq!((c.api_id, c.api_hash.as_str()), (2, "work"));
        let c = resolve_credentials(None, None, &none, &cfg, &profile("home"))
            .unwrap()
            .unwrap();
        assert_eq!((c.api_id, c.api_hash.as_str()), (1, "top"));

        // The reference server's names beat the file; ours beat theirs; flags beat all.
        let legacy = env(&[("API_ID", "3"), ("API_HASH", "legacy")]);
        let c = resolve_credentials(None, None, &legacy, &cfg, &p)
            .unwrap()
            .unwrap();
        assert_eq!((c.api_id, c.api_hash.as_str()), (3, "legacy"));
        let both = env(&[
            ("API_ID", "3"),
            ("API_HASH", "legacy"),
            ("TGMCP_API_ID", "4"),
            ("TGMCP_API_HASH", "ours"),
        ]);
        let c = resolve_credentials(None, None, &both, &cfg, &p)
            .unwrap()
            .unwrap();
        assert_eq!((c.api_id, c.api_hash.as_str()), (4, "ours"));
        let c = resolve_credentials(Some(5), Some("flag"), &both, &cfg, &p)
            .unwrap()
            .unwrap();
        assert_eq!((c.api_id, c.api_hash.as_str()), (5, "flag"));

        // Sources are reported.
        let (_, source) = resolve_api_id(None, &none, &cfg, &p).unwrap().unwrap();
        assert_eq!(source.to_string(), "[profiles.work] in /cfg/config.toml");
        let (_, source) = resolve_api_hash(None, &both, &cfg, &p).unwrap();
        assert_eq!(source, Source::Env("TGMCP_API_HASH"));

        // Nothing anywhere is not an error: setup will ask.
        assert_eq!(
            resolve_credentials(None, None, &none, &ConfigFile::default(), &p).unwrap(),
            None
        );
    }

    #[test]
    fn half_a_pair_is_an_error() {
        let error = resolve_credentials(
            None,
            None,
            &env(&[("TGMCP_API_ID", "7")]),
            &ConfigFile::default(),
            &profile("default"),
        )
        .unwrap_err();
        assert_eq!(error.kind(), "config");
        assert!(error.to_string().contains("TGMCP_API_ID"), "{error}");
        assert!(error.to_string().contains("api_hash is not"), "{error}");
    }

    #[test]
    fn bad_api_id_names_its_source() {
        let error = resolve_api_id(
            None,
            &env(&[("TGMCP_API_ID", "abc")]),
            &ConfigFile::default(),
            &profile("default"),
        )
        .unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("TGMCP_API_ID=\"abc\" is not an api_id")
        );

        let error = ConfigFile::parse("api_id = \"12x\"\n", Path::new("/c.toml")).unwrap_err();
        let message = error.to_string();
        assert!(message.contains("/c.toml"), "{message}");
        assert!(message.contains("line 1"), "{message}");
        assert!(
            message.contains("api_id must be a positive number"),
            "{message}"
        );
        assert!(ConfigFile::parse("api_id = -3\n", Path::new("/c.toml")).is_err());
    }

    #[test]
    fn bad_config_files() {
        let path = Path::new("/etc/tg.toml");
        let error = ConfigFile::parse("api_id = 1\napi_hsh = \"x\"\n", path).unwrap_err();
        let message = error.to_string();
        assert_eq!(error.kind(), "config");
        assert!(message.contains("/etc/tg.toml"), "{message}");
        assert!(message.contains("api_hsh"), "{message}");
        assert!(message.contains("line 2"), "{message}");

        let error = ConfigFile::parse("[profiles.work]\ncolour = 1\n", path).unwrap_err();
        assert!(error.to_string().contains("colour"), "{error}");

        let error = ConfigFile::parse("api_id = = 1", path).unwrap_err();
        assert!(
            error.to_string().contains("/etc/tg.toml is invalid"),
            "{error}"
        );

        let error = ConfigFile::parse("[profiles.\"../x\"]\napi_id = 1\n", path).unwrap_err();
        assert!(
            error.to_string().contains("not a valid profile name"),
            "{error}"
        );

        // Debug never shows the hash.
        let cfg = file("api_hash = \"s3cret\"\n");
        assert!(!format!("{cfg:?}").contains("s3cret"));
    }

    #[test]
    fn credentials_debug_is_redacted() {
        let c = Credentials {
            api_id: 1,
            api_hash: "s3cret".into(),
        };
        let debug = format!("{c:?}");
        assert!(!debug.contains("s3cret"));
        assert!(debug.contains("redacted"));
    }

    #[test]
    fn missing_file_is_fine_unless_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        let cfg = ConfigFile::load(&path).unwrap();
        assert_eq!(cfg.path(), Some(path.as_path()));
        assert!(ConfigFile::load_required(&path).is_err());

        let env = env(&[("TGMCP_HOME", dir.path().to_str().unwrap())]);
        let config = Config::load(&Overrides::default(), &env).unwrap();
        assert!(config.profile.is_default());
        assert_eq!(
            config.session_file(),
            dir.path().join("data/default/session.json")
        );

        let named = Overrides {
            config_file: Some(&path),
            ..Overrides::default()
        };
        assert_eq!(Config::load(&named, &env).unwrap_err().kind(), "config");
    }

    #[test]
    fn config_load_reads_profile_and_file() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(
            dir.path().join("config.toml"),
            "[profiles.work]\napi_id = 9\napi_hash = \"h\"\n",
        )
        .unwrap();
        let home = dir.path().to_str().unwrap();
        let env = env(&[("TGMCP_HOME", home), ("TGMCP_PROFILE", "work")]);
        let config = Config::load(&Overrides::default(), &env).unwrap();
        assert_eq!(config.profile.as_str(), "work");
        let c = config.credentials(None, None, &env).unwrap().unwrap();
        assert_eq!(c.api_id, 9);

        // The flag beats TGMCP_PROFILE, and is validated.
        let flagged = Overrides {
            profile: Some("other"),
            ..Overrides::default()
        };
        let config = Config::load(&flagged, &env).unwrap();
        assert_eq!(config.profile.as_str(), "other");
        assert_eq!(config.credentials(None, None, &env).unwrap(), None);
        let bad = Overrides {
            profile: Some("../etc"),
            ..Overrides::default()
        };
        assert_eq!(Config::load(&bad, &env).unwrap_err().kind(), "config");

        // Unreadable (here: a directory) is an error naming the path.
        fs::remove_file(dir.path().join("config.toml")).unwrap();
        fs::create_dir(dir.path().join("config.toml")).unwrap();
        let error = Config::load(&Overrides::default(), &env).unwrap_err();
        assert!(error.to_string().contains("config.toml"), "{error}");
    }

    #[cfg(unix)]
    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt as _;
        fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[cfg(unix)]
    #[test]
    fn private_dirs_and_files() {
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths::new(dir.path().join("cfg"), dir.path().join("data"));
        let work = profile("work");
        let profile_dir = paths.ensure_profile_dir(&work).unwrap();
        assert_eq!(mode(&profile_dir), 0o700);
        assert_eq!(mode(&dir.path().join("data")), 0o700);
        // Idempotent.
        paths.ensure_profile_dir(&work).unwrap();

        let secret = profile_dir.join("session.json");
        write_private_file_atomic(&secret, b"one").unwrap();
        assert_eq!(mode(&secret), 0o600);
        assert_eq!(fs::read(&secret).unwrap(), b"one");
        write_private_file_atomic(&secret, b"two").unwrap();
        assert_eq!(fs::read(&secret).unwrap(), b"two");
        assert_eq!(mode(&secret), 0o600);

        let lock = profile_dir.join("session.lock");
        drop(open_private_file(&lock).unwrap());
        assert_eq!(mode(&lock), 0o600);

        // No temporary files are left behind.
        let mut names: Vec<_> = fs::read_dir(&profile_dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(names, ["session.json", "session.lock"]);
    }

    #[test]
    fn atomic_write_into_missing_dir_fails_cleanly() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nope").join("f");
        assert!(write_private_file_atomic(&path, b"x").is_err());
    }
}

// ---- Access lists (issue 20) ----

/// `[access]` (or `[profiles.NAME.access]`, which replaces it for that profile): the
/// chats the assistant may read, write to, and only draft in. Absent: every chat.
///
/// ```toml
/// [access]
/// read = ["me", "@my_team", "contacts"]   # chats and classes: contacts, private,
/// write = ["me"]                          # groups, channels, bots, "*" (all)
/// draft = ["@my_team"]                    # send_message saves a draft here
/// ```
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct AccessSettings {
    #[serde(default)]
    read: Vec<String>,
    #[serde(default)]
    write: Vec<String>,
    #[serde(default)]
    draft: Vec<String>,
}

impl ConfigFile {
    /// The profile's access list: `[profiles.NAME.access]`, else `[access]`, else none.
    pub fn access_list(
        &self,
        profile: &ProfileName,
    ) -> Result<Option<crate::telegram::AccessList>> {
        let Some((settings, source)) = self.lookup(profile, |s| s.access.clone()) else {
            return Ok(None);
        };
        let parse = |key: &str, entries: &[String]| {
            entries
                .iter()
                .map(|text| {
                    crate::telegram::AccessEntry::parse(text).map_err(|e| {
                        let why = match e {
                            Error::InvalidInput(why) => why,
                            other => other.to_string(),
                        };
                        Error::Config(format!(
                            "{source}: access.{key} entry {text:?} is not a chat or class ({why}) — use me, @username, an id, a t.me link, or contacts, private, groups, channels, bots, \"*\""
                        ))
                    })
                })
                .collect::<Result<Vec<_>>>()
        };
        Ok(Some(crate::telegram::AccessList {
            read: parse("read", &settings.read)?,
            write: parse("write", &settings.write)?,
            draft: parse("draft", &settings.draft)?,
        }))
    }
}

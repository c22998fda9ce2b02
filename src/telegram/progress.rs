//! How a long operation shows it is advancing, for a face that wants to tell someone: the
//! MCP server's progress notifications. (Uploads have their own, per-file
//! [`super::UploadProgress`], which the CLI's bars also use.)

/// Sees an operation advance: bytes of a download, pages of a search.
pub trait Progress: Send + Sync {
    /// `done` units so far, of `total` when it is known. `done` never decreases.
    fn advance(&self, done: u64, total: Option<u64>);
}

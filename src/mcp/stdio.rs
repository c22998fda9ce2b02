//! The stdio transport, with a bound on one message that answers instead of going silent.
//!
//! rmcp drops a line over its limit and only logs it, so a client that sent one waits
//! forever for an answer. Here the line is cut off at [`MAX_MESSAGE_BYTES`] as it
//! streams in (never buffered whole), and the client gets a JSON-RPC error for it: to
//! the request's id when the start of the line names one, else with no id, as JSON-RPC
//! says to answer a request whose id cannot be read.

use std::collections::VecDeque;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use rmcp::RoleServer;
use rmcp::model::{ClientRequest, ErrorData, JsonRpcMessage, RequestId};
use rmcp::service::{RxJsonRpcMessage, TxJsonRpcMessage};
use rmcp::transport::Transport as RmcpTransport;
use rmcp::transport::async_rw::AsyncRwTransport;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// The largest message read from stdin, in bytes (a line of JSON-RPC).
pub const MAX_MESSAGE_BYTES: usize = 16 * 1024 * 1024;

/// How much of a line's start is kept to find its id.
const HEAD_BYTES: usize = 64 * 1024;

/// The request an oversized line is replaced with, so that it reaches [`Stdio`] in
/// order, after whatever came before it.
const MARKER: &str = "tgmcp/oversized-message";
/// The id of the marker when the line's own id could not be read.
const NO_ID: &str = "tgmcp/oversized-message/no-id";

/// The transport for `serve` on stdio.
pub fn transport() -> Stdio<impl AsyncRead + Send + Unpin, impl AsyncWrite + Send + Unpin + 'static>
{
    let (stdin, stdout) = rmcp::transport::stdio_pipes();
    Stdio::new(stdin, stdout, MAX_MESSAGE_BYTES)
}

/// rmcp's line transport over [`BoundedLines`], turning the marker into an error reply.
pub struct Stdio<R: AsyncRead + Send + Unpin, W: AsyncWrite + Send + Unpin + 'static> {
    inner: AsyncRwTransport<RoleServer, BoundedLines<R>, W>,
    max: usize,
}

impl<R, W> Stdio<R, W>
where
    R: AsyncRead + Send + Unpin,
    W: AsyncWrite + Send + Unpin + 'static,
{
    pub fn new(read: R, write: W, max: usize) -> Self {
        let lines = BoundedLines::new(read, max);
        // Our bound applies first; rmcp's own (silent) one never does.
        let inner = AsyncRwTransport::new_server(lines, write).with_max_line_length(usize::MAX);
        Self { inner, max }
    }
}

impl<R, W> RmcpTransport<RoleServer> for Stdio<R, W>
where
    R: AsyncRead + Send + Unpin + 'static,
    W: AsyncWrite + Send + Unpin + 'static,
{
    type Error = std::io::Error;

    fn send(
        &mut self,
        item: TxJsonRpcMessage<RoleServer>,
    ) -> impl Future<Output = Result<(), Self::Error>> + Send + 'static {
        self.inner.send(item)
    }

    async fn receive(&mut self) -> Option<RxJsonRpcMessage<RoleServer>> {
        loop {
            let message = self.inner.receive().await?;
            let id = match &message {
                JsonRpcMessage::Request(request) => match &request.request {
                    ClientRequest::CustomRequest(custom) if custom.method == MARKER => {
                        Some(request.id.clone())
                    }
                    _ => None,
                },
                _ => None,
            };
            let Some(id) = id else {
                return Some(message);
            };
            let id = match &id {
                RequestId::String(s) if &**s == NO_ID => None,
                _ => Some(id),
            };
            tracing::warn!(
                "a message on stdin was over {} MiB; it was dropped and answered with an error",
                self.max / (1024 * 1024)
            );
            let error = ErrorData::invalid_request(
                format!(
                    "the message is larger than {} bytes, the most tgmcp reads as one message on stdio, so it was dropped — send less (attach large files by path or URL rather than as data: URIs)",
                    self.max
                ),
                None,
            );
            if self
                .inner
                .send(JsonRpcMessage::error(error, id))
                .await
                .is_err()
            {
                return None;
            }
        }
    }

    fn close(&mut self) -> impl Future<Output = Result<(), Self::Error>> + Send {
        self.inner.close()
    }
}

/// Passes lines through, but a line that grows over `max` bytes is cut off (ended with
/// a newline, which makes it unparsable, so rmcp ignores it), its rest skipped as it
/// arrives, and a marker request put in its place. Memory stays bounded by `max`.
pub struct BoundedLines<R> {
    inner: R,
    max: usize,
    /// Bytes ready for the reader.
    out: VecDeque<u8>,
    /// The current line's length so far, and its first [`HEAD_BYTES`].
    line_len: usize,
    head: Vec<u8>,
    /// Skipping the rest of an oversized line.
    discarding: bool,
}

impl<R> BoundedLines<R> {
    pub fn new(inner: R, max: usize) -> Self {
        Self {
            inner,
            max,
            out: VecDeque::new(),
            line_len: 0,
            head: Vec::new(),
            discarding: false,
        }
    }

    fn process(&mut self, mut data: &[u8]) {
        while !data.is_empty() {
            let (segment, ends_line) = match data.iter().position(|&b| b == b'\n') {
                Some(i) => (&data[..=i], true),
                None => (data, false),
            };
            data = &data[segment.len()..];
            if self.discarding {
                if ends_line {
                    self.discarding = false;
                }
                continue;
            }
            let content = segment.len() - usize::from(ends_line);
            if self.line_len + content > self.max {
                let mut head = std::mem::take(&mut self.head);
                let room = HEAD_BYTES.saturating_sub(head.len());
                head.extend(&segment[..room.min(segment.len())]);
                self.out.push_back(b'\n');
                self.out.extend(marker(&head).bytes());
                self.line_len = 0;
                self.head.clear();
                self.discarding = !ends_line;
                continue;
            }
            self.out.extend(segment);
            if self.head.len() < HEAD_BYTES {
                let room = HEAD_BYTES - self.head.len();
                self.head.extend(&segment[..room.min(segment.len())]);
            }
            self.line_len += content;
            if ends_line {
                self.line_len = 0;
                self.head.clear();
            }
        }
    }
}

impl<R: AsyncRead + Unpin> AsyncRead for BoundedLines<R> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        loop {
            if !this.out.is_empty() {
                let n = buf.remaining().min(this.out.len());
                let (front, back) = this.out.as_slices();
                let from_front = n.min(front.len());
                buf.put_slice(&front[..from_front]);
                buf.put_slice(&back[..n - from_front]);
                this.out.drain(..n);
                return Poll::Ready(Ok(()));
            }
            let mut scratch = [0u8; 8192];
            let mut read = ReadBuf::new(&mut scratch);
            ready!(Pin::new(&mut this.inner).poll_read(cx, &mut read))?;
            if read.filled().is_empty() {
                return Poll::Ready(Ok(()));
            }
            this.process(read.filled());
        }
    }
}

/// The marker request for a line that starts with `head`, with the line's id when it
/// names one near its start.
fn marker(head: &[u8]) -> String {
    let id = top_level_id(head).unwrap_or_else(|| serde_json::json!(NO_ID));
    format!(
        "{}\n",
        serde_json::json!({"jsonrpc": "2.0", "id": id, "method": MARKER})
    )
}

/// The `"id"` member of the outermost object in (the start of) a JSON text, if it is a
/// number or a string that ends within `head`.
fn top_level_id(head: &[u8]) -> Option<serde_json::Value> {
    let mut depth = 0usize;
    let mut i = 0;
    while i < head.len() {
        match head[i] {
            b'{' | b'[' => depth += 1,
            b'}' | b']' => depth = depth.checked_sub(1)?,
            b'"' => {
                let end = string_end(head, i)?;
                let is_id_key = depth == 1 && &head[i..=end] == b"\"id\"";
                i = end + 1;
                if is_id_key {
                    let rest = &head[i..];
                    let colon = rest.iter().position(|b| !b.is_ascii_whitespace())?;
                    if rest[colon] != b':' {
                        continue;
                    }
                    let value = &rest[colon + 1..];
                    let start = value.iter().position(|b| !b.is_ascii_whitespace())?;
                    let value = &value[start..];
                    let len = if value.first() == Some(&b'"') {
                        string_end(value, 0)? + 1
                    } else {
                        value
                            .iter()
                            .position(|b| !(b.is_ascii_digit() || *b == b'-'))?
                    };
                    let parsed: serde_json::Value = serde_json::from_slice(&value[..len]).ok()?;
                    return (parsed.is_number() || parsed.is_string()).then_some(parsed);
                }
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// The index of the quote that closes the string opening at `start`.
fn string_end(text: &[u8], start: usize) -> Option<usize> {
    let mut i = start + 1;
    while i < text.len() {
        match text[i] {
            b'\\' => i += 2,
            b'"' => return Some(i),
            _ => i += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_id_of_the_outer_object_only() {
        let id = |s: &str| top_level_id(s.as_bytes());
        assert_eq!(
            id(r#"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"#),
            Some(serde_json::json!(7))
        );
        assert_eq!(
            id(r#"{"params":{"id":1,"x":"a\"id\":3"},"id" : "abc","#),
            Some(serde_json::json!("abc"))
        );
        assert_eq!(id(r#"{"method":"x","params":{"id":1,"#), None);
        assert_eq!(id(r#"{"id":{"no":1}}"#), None);
    }

    #[test]
    fn an_oversized_line_becomes_a_marker_and_the_next_line_passes() {
        let mut lines = BoundedLines::new(tokio::io::empty(), 10);
        lines.process(b"{\"id\":5,\"x\":\"");
        lines.process(b"aaaaaaaaaaaaaaaaaaaaaaaa");
        lines.process(b"aaaa\"}\n{\"ok\":1}\n");
        let out: Vec<u8> = lines.out.iter().copied().collect();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().filter(|l| !l.is_empty()).collect();
        // Nothing of the long line got through whole; the marker carries its id.
        assert_eq!(lines.len(), 2, "{text}");
        assert!(
            lines[0].contains(MARKER) && lines[0].contains("\"id\":5"),
            "{text}"
        );
        assert_eq!(lines[1], "{\"ok\":1}");
    }
}

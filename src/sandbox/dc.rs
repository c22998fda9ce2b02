//! One client connection: `Full` transport framing, MTProto 2.0 decryption, the service
//! messages (containers, gzip, salts, pings, acks), and answers in `rpc_result`s.

use std::cell::{Cell, RefCell};
use std::io::Read;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use grammers_crypto::DequeBuffer;
use grammers_mtproto::transport::{self, Full, Transport};
use grammers_tl_types::{self as tl, Cursor, Deserializable, Identifiable, Serializable};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::net::tcp::OwnedWriteHalf;
use tokio::sync::{Notify, mpsc};

use super::crypto::{self, AuthKey};
use super::faults::{DropPoint, Verdict};
use super::layer;
use super::rpc::{self, Call, RpcErr};
use super::{Shared, lock};

/// Largest frame accepted: a full 1 MiB container plus headers, as grammers sends.
const MAX_FRAME: usize = 1024 * 1024 + 16 * 1024;
/// Largest a gzip_packed request may inflate to (no decompression bombs).
const MAX_INFLATED: u64 = 16 * 1024 * 1024;

const RPC_RESULT: u32 = 0xf35c6d01;
const MSG_CONTAINER: u32 = 0x73f1f8dc;
const GZIP_PACKED: u32 = 0x3072cfa1;
const MSGS_ACK: u32 = 0x62d6b459;
/// `bad_server_salt`'s error code.
const BAD_SALT: i32 = 48;
/// How many consecutive salts [`future_salts`] hands out (each valid for an hour).
const FUTURE_SALTS: i64 = 64;
/// Answers longer than this go out gzip-packed, as Telegram packs its larger answers.
const GZIP_ABOVE: usize = 1024;
/// The most a server container carries (Telegram's limits: 1024 messages, 1 MiB);
/// answers that do not fit go out one by one.
const CONTAINER_MAX_MESSAGES: usize = 1024;
const CONTAINER_MAX_BYTES: usize = 1024 * 1024 - 1024;

/// Whether a client's salt is the current one or one of the future salts announced.
fn salt_is_valid(salt: i64, current: i64) -> bool {
    (0..FUTURE_SALTS).contains(&salt.wrapping_sub(current))
}

/// Why a connection is closed. Never answered with a transport error: a -404 would make
/// grammers throw its key away and try a key exchange the sandbox cannot do.
#[derive(Debug)]
pub(crate) enum Close {
    Io,
    /// Nothing from the client for the idle timeout (as Telegram closes silent
    /// connections).
    Idle,
    Malformed(&'static str),
    UnknownKey,
    Fault,
}

/// Everything the sandbox sends on one connection goes through here, so msg_ids and seq
/// numbers stay ordered however many tasks answer at once.
pub(crate) struct Outbox {
    seal: Mutex<Option<Seal>>,
    tx: mpsc::UnboundedSender<Vec<u8>>,
    closed: AtomicBool,
    close_signal: Notify,
}

struct Seal {
    key: AuthKey,
    session_id: i64,
    /// Whether `new_session_created` went out (it waits for a message with a good salt).
    announced: bool,
    salt: i64,
    last_msg_id: i64,
    content_sent: i32,
    transport: Full,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// An answer to a client message: msg_id ≡ 1 (mod 4).
    Response,
    /// Pushed without being asked: msg_id ≡ 3 (mod 4).
    Update,
}

impl Outbox {
    fn key_id(&self) -> Option<[u8; 8]> {
        lock(&self.seal).as_ref().map(|s| s.key.id())
    }

    pub(crate) fn close(&self) {
        self.closed.store(true, Ordering::SeqCst);
        self.close_signal.notify_one();
    }

    /// Closes the connection once everything queued so far is written.
    fn close_after_queued(&self) {
        // An empty frame is the writer's signal: nothing real is empty.
        let _ = self.tx.send(Vec::new());
    }

    /// Encrypts and queues one message. Returns false once the connection is closed.
    fn send(&self, body: &[u8], kind: Kind) -> bool {
        if self.closed.load(Ordering::SeqCst) {
            return false;
        }
        let mut guard = lock(&self.seal);
        let Some(seal) = guard.as_mut() else {
            return false;
        };
        let frame = seal.seal(body, kind);
        // Sent under the lock so the transport's seq numbers hit the wire in order.
        self.tx.send(frame).is_ok()
    }

    /// Sends answers that are ready together, and a `msgs_ack` for `acks`, as Telegram
    /// does: several messages go out in one `msg_container` (whose msg_id is above those
    /// inside it; neither it nor the ack is content-related, so their seq_no is even).
    /// Returns whether a container went out.
    fn send_together(&self, bodies: Vec<Vec<u8>>, acks: Vec<i64>) -> bool {
        let mut messages: Vec<(Vec<u8>, bool)> = bodies.into_iter().map(|b| (b, true)).collect();
        if !acks.is_empty() {
            let ack = tl::enums::MsgsAck::Ack(tl::types::MsgsAck { msg_ids: acks });
            messages.push((ack.to_bytes(), false));
        }
        let size: usize = messages.iter().map(|(b, _)| b.len() + 16).sum();
        if messages.len() < 2
            || messages.len() > CONTAINER_MAX_MESSAGES
            || size > CONTAINER_MAX_BYTES
        {
            for (body, content) in messages {
                self.send_plain(&body, content);
            }
            return false;
        }
        if self.closed.load(Ordering::SeqCst) {
            return false;
        }
        let mut guard = lock(&self.seal);
        let Some(seal) = guard.as_mut() else {
            return false;
        };
        let mut container = Vec::with_capacity(8 + size);
        MSG_CONTAINER.serialize(&mut container);
        (messages.len() as i32).serialize(&mut container);
        for (body, content) in &messages {
            let msg_id = seal.next_msg_id(Kind::Response);
            let seq_no = seal.next_seq_no(*content);
            msg_id.serialize(&mut container);
            seq_no.serialize(&mut container);
            (body.len() as i32).serialize(&mut container);
            container.extend_from_slice(body);
        }
        let msg_id = seal.next_msg_id(Kind::Response);
        let seq_no = seal.next_seq_no(false);
        let frame = seal.seal_as(msg_id, seq_no, &container);
        self.tx.send(frame).is_ok()
    }

    /// One message on its own; `content` says whether it is content-related (an ack is
    /// not).
    fn send_plain(&self, body: &[u8], content: bool) -> bool {
        if content {
            return self.send(body, Kind::Response);
        }
        if self.closed.load(Ordering::SeqCst) {
            return false;
        }
        let mut guard = lock(&self.seal);
        let Some(seal) = guard.as_mut() else {
            return false;
        };
        let msg_id = seal.next_msg_id(Kind::Response);
        let seq_no = seal.next_seq_no(false);
        let frame = seal.seal_as(msg_id, seq_no, body);
        self.tx.send(frame).is_ok()
    }
}

impl Seal {
    fn next_msg_id(&mut self, kind: Kind) -> i64 {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        let tag = if kind == Kind::Response { 1 } else { 3 };
        let time_based = (((now.as_secs() as i64) << 32) | ((now.subsec_nanos() as i64) << 2)) & !3;
        let mut id = time_based | tag;
        if id <= self.last_msg_id {
            id = ((self.last_msg_id + 4) & !3) | tag;
        }
        self.last_msg_id = id;
        id
    }

    /// The next seq_no: odd (and counted) for a content-related message, even for a
    /// container or an ack.
    fn next_seq_no(&mut self, content: bool) -> i32 {
        if content {
            self.content_sent += 1;
            self.content_sent * 2 - 1
        } else {
            self.content_sent * 2
        }
    }

    fn seal(&mut self, body: &[u8], kind: Kind) -> Vec<u8> {
        let msg_id = self.next_msg_id(kind);
        // Whatever goes out on its own here is content-related, so seq_no is odd.
        let seq_no = self.next_seq_no(true);
        self.seal_as(msg_id, seq_no, body)
    }

    fn seal_as(&mut self, msg_id: i64, seq_no: i32, body: &[u8]) -> Vec<u8> {
        let mut plain = Vec::with_capacity(32 + body.len() + 32);
        self.salt.serialize(&mut plain);
        self.session_id.serialize(&mut plain);
        msg_id.serialize(&mut plain);
        seq_no.serialize(&mut plain);
        (body.len() as i32).serialize(&mut plain);
        plain.extend_from_slice(body);

        let packet = crypto::encrypt_for_client(&self.key, plain);
        let mut buffer = DequeBuffer::with_capacity(packet.len() + 4, 8);
        buffer.extend(packet);
        self.transport.pack(&mut buffer);
        buffer.as_ref().to_vec()
    }
}

pub(crate) async fn serve_connection(stream: TcpStream, dc_id: i32, shared: Arc<Shared>) {
    let (mut reader, writer) = stream.into_split();
    let (tx, rx) = mpsc::unbounded_channel();
    let outbox = Arc::new(Outbox {
        seal: Mutex::new(None),
        tx,
        closed: AtomicBool::new(false),
        close_signal: Notify::new(),
    });
    lock(&shared.connections).push(Arc::downgrade(&outbox));
    // Aborted with this task (a stopped sandbox), so the socket really closes: the
    // writer holds the write half, and the outbox it holds keeps its channel open.
    let mut writer = AbortOnDrop(tokio::spawn(write_loop(writer, rx, Arc::clone(&outbox))));

    let mut conn = Connection {
        shared,
        dc_id,
        outbox: Arc::clone(&outbox),
        transport: Full::new(),
        batching: Cell::new(false),
        ready: RefCell::new(Vec::new()),
        to_ack: RefCell::new(Vec::new()),
    };
    let mut buf: Vec<u8> = Vec::with_capacity(64 * 1024);
    let reason = loop {
        if outbox.closed.load(Ordering::SeqCst) {
            break Close::Fault;
        }
        if let Err(reason) = conn.drain_frames(&mut buf) {
            break reason;
        }
        let mut chunk = [0u8; 64 * 1024];
        let idle_timeout = conn.shared.faults.idle_timeout();
        let idle = async {
            match idle_timeout {
                Some(timeout) => tokio::time::sleep(timeout).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            read = reader.read(&mut chunk) => match read {
                Ok(0) | Err(_) => break Close::Io,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            },
            _ = outbox.close_signal.notified() => break Close::Fault,
            () = idle => break Close::Idle,
        }
    };
    if let Close::Malformed(what) = reason {
        tracing::debug!("sandbox closed a connection that sent a malformed packet: {what}");
    }
    outbox.close();
    let _ = (&mut writer.0).await;
}

struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

async fn write_loop(
    mut writer: OwnedWriteHalf,
    mut rx: mpsc::UnboundedReceiver<Vec<u8>>,
    outbox: Arc<Outbox>,
) {
    loop {
        tokio::select! {
            biased;
            _ = outbox.close_signal.notified() => break,
            frame = rx.recv() => match frame {
                Some(frame) if !frame.is_empty() && !outbox.closed.load(Ordering::SeqCst) => {
                    if writer.write_all(&frame).await.is_err() {
                        break;
                    }
                }
                _ => break,
            },
        }
    }
    // Make sure the reader stops too (the notify above may have been consumed here).
    outbox.closed.store(true, Ordering::SeqCst);
    outbox.close_signal.notify_one();
    let _ = writer.shutdown().await;
}

struct Connection {
    shared: Arc<Shared>,
    /// The DC this connection reached.
    dc_id: i32,
    outbox: Arc<Outbox>,
    transport: Full,
    /// While a packet is handled: its answers wait in `ready` to go out together.
    batching: Cell<bool>,
    ready: RefCell<Vec<Vec<u8>>>,
    /// The packet's content-related messages, acknowledged with `msgs_ack`.
    to_ack: RefCell<Vec<i64>>,
}

impl Connection {
    /// Sends an answer now, or with the rest of the packet's answers while batching.
    fn emit(&self, body: Vec<u8>) {
        if self.batching.get() {
            self.ready.borrow_mut().push(body);
        } else {
            self.outbox.send(&body, Kind::Response);
        }
    }

    /// Sends what handling one packet made ready: its answers and an ack for its
    /// content-related messages, in one container when there are several.
    fn flush(&self, ack: bool) {
        self.batching.set(false);
        let bodies = std::mem::take(&mut *self.ready.borrow_mut());
        let mut acks = std::mem::take(&mut *self.to_ack.borrow_mut());
        if !ack {
            acks.clear();
        }
        if !acks.is_empty() {
            self.shared.acks.fetch_add(1, Ordering::Relaxed);
        }
        if bodies.is_empty() && acks.is_empty() {
            return;
        }
        if self.outbox.send_together(bodies, acks) {
            self.shared.containers.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Handles every complete frame in `buf`, leaving a partial one for the next read.
    fn drain_frames(&mut self, buf: &mut Vec<u8>) -> Result<(), Close> {
        loop {
            let Some(len) = buf.get(..4) else {
                return Ok(());
            };
            let declared = i32::from_le_bytes(len.try_into().expect("4 bytes"));
            if declared < 12 || declared as usize > MAX_FRAME || declared % 4 != 0 {
                return Err(Close::Malformed("bad frame length"));
            }
            if buf.len() < declared as usize {
                return Ok(());
            }
            let unpacked = match self.transport.unpack(&mut buf[..]) {
                Ok(unpacked) => unpacked,
                Err(transport::Error::MissingBytes) => return Ok(()),
                Err(_) => return Err(Close::Malformed("bad frame (crc or seq)")),
            };
            let packet = buf[unpacked.data_range].to_vec();
            buf.drain(..unpacked.next_offset);
            self.on_packet(&packet)?;
        }
    }

    fn on_packet(&mut self, packet: &[u8]) -> Result<(), Close> {
        self.batching.set(true);
        let handled = self.on_packet_batched(packet);
        // A connection about to close acknowledges nothing more.
        self.flush(handled.is_ok());
        handled
    }

    fn on_packet_batched(&mut self, packet: &[u8]) -> Result<(), Close> {
        let key_id = crypto::packet_key_id(packet).ok_or(Close::Malformed("short packet"))?;
        if key_id == [0; 8] {
            // A plain message is a key exchange, which needs Telegram's RSA key.
            return Err(Close::UnknownKey);
        }
        // A key made with another DC is unknown here, as on Telegram.
        let key = lock(&self.shared.keys)
            .get(&key_id)
            .filter(|k| k.dc_id == self.dc_id)
            .map(|k| k.key.clone())
            .ok_or(Close::UnknownKey)?;
        let plain =
            crypto::decrypt_from_client(&key, packet).map_err(|_| Close::Malformed("decrypt"))?;
        let mut cur = Cursor::from_slice(&plain);
        let salt = read::<i64>(&mut cur)?;
        let session_id = read::<i64>(&mut cur)?;
        let (msg_id, seq_no, body) = read_message(&mut cur)?;

        let new_session = {
            let mut seal = lock(&self.outbox.seal);
            let fresh = seal
                .as_ref()
                .is_none_or(|s| s.session_id != session_id || s.key.id() != key_id);
            if fresh {
                let (content_sent, last_msg_id, transport) = match seal.take() {
                    Some(old) => (old.content_sent, old.last_msg_id, old.transport),
                    None => (0, 0, Full::new()),
                };
                *seal = Some(Seal {
                    key,
                    session_id,
                    announced: true,
                    salt: self.shared.salt,
                    last_msg_id,
                    content_sent,
                    transport,
                });
            }
            fresh
        };
        if !salt_is_valid(salt, self.shared.salt) {
            // As Telegram: the message is not processed; the client resends it with the
            // salt it is given here.
            let bad = tl::enums::BadMsgNotification::BadServerSalt(tl::types::BadServerSalt {
                bad_msg_id: msg_id,
                bad_msg_seqno: seq_no,
                error_code: BAD_SALT,
                new_server_salt: self.shared.salt,
            });
            self.emit(bad.to_bytes());
            self.shared.bad_salts.fetch_add(1, Ordering::Relaxed);
            if new_session {
                // Announce the session with the first message that is processed.
                if let Some(seal) = lock(&self.outbox.seal).as_mut() {
                    seal.announced = false;
                }
            }
            return Ok(());
        }
        let announce = new_session
            || lock(&self.outbox.seal).as_mut().is_some_and(|seal| {
                let first = !seal.announced;
                seal.announced = true;
                first
            });
        if announce {
            let created = tl::enums::NewSession::Created(tl::types::NewSessionCreated {
                first_msg_id: msg_id,
                unique_id: crypto::random_i64(),
                server_salt: self.shared.salt,
            });
            self.emit(created.to_bytes());
        }
        self.on_message(msg_id, seq_no, body, 0)
    }

    fn on_message(
        &mut self,
        msg_id: i64,
        seq_no: i32,
        body: Vec<u8>,
        depth: u8,
    ) -> Result<(), Close> {
        let constructor = u32::from_bytes(&body).map_err(|_| Close::Malformed("empty message"))?;
        // Content-related messages (odd seq_no) are acknowledged; a container or a
        // gzip_packed wrapper is not one, what it carries is.
        if seq_no % 2 == 1 && constructor != MSG_CONTAINER && constructor != GZIP_PACKED {
            self.to_ack.borrow_mut().push(msg_id);
        }
        match constructor {
            MSG_CONTAINER if depth == 0 => {
                let mut cur = Cursor::from_slice(&body[4..]);
                let count = read::<i32>(&mut cur)?;
                if !(0..=1024).contains(&count) {
                    return Err(Close::Malformed("container size"));
                }
                for _ in 0..count {
                    let (id, seq, inner) = read_message(&mut cur)?;
                    self.on_message(id, seq, inner, depth + 1)?;
                }
                Ok(())
            }
            GZIP_PACKED if depth < 2 => {
                let inflated = inflate(&body[4..])?;
                self.on_message(msg_id, seq_no, inflated, depth + 1)
            }
            MSGS_ACK => Ok(()),
            tl::functions::GetFutureSalts::CONSTRUCTOR_ID => {
                let salts = future_salts(msg_id, self.shared.salt);
                self.emit(salts.to_bytes());
                Ok(())
            }
            tl::functions::Ping::CONSTRUCTOR_ID
            | tl::functions::PingDelayDisconnect::CONSTRUCTOR_ID => {
                let ping_id = i64::from_bytes(&body[4..]).map_err(|_| Close::Malformed("ping"))?;
                let pong = tl::enums::Pong::Pong(tl::types::Pong { msg_id, ping_id });
                self.emit(pong.to_bytes());
                Ok(())
            }
            tl::functions::RpcDropAnswer::CONSTRUCTOR_ID => {
                let unknown = tl::enums::RpcDropAnswer::RpcAnswerUnknown;
                self.respond(msg_id, Ok(unknown.to_bytes()));
                Ok(())
            }
            // Informational service messages need no answer.
            tl::types::MsgsStateReq::CONSTRUCTOR_ID | tl::types::MsgResendReq::CONSTRUCTOR_ID => {
                Ok(())
            }
            _ => self.on_call(msg_id, body),
        }
    }

    fn on_call(&mut self, msg_id: i64, body: Vec<u8>) -> Result<(), Close> {
        let call = match Call::parse(&body) {
            Ok(call) => call,
            Err(err) => {
                self.respond(msg_id, Err(err));
                return Ok(());
            }
        };
        let method = call.method_name();
        self.shared.stats.record(method, &body);
        if let Some(stats) = self.shared.dc_stats(self.dc_id) {
            stats.record(method, &body);
        }
        self.shared.stats.started();
        let Some(key_id) = self.outbox.key_id() else {
            self.shared.stats.answered();
            return Err(Close::UnknownKey);
        };

        if let Err(err) = layer::check(&self.shared, key_id, &call) {
            self.answer(msg_id, Err(err), Some(method));
            return Ok(());
        }

        let drop_point = self.shared.faults.drop_point(method);
        let dropped = || {
            self.shared.stats.answered();
            Err(Close::Fault)
        };
        let result = match self.shared.faults.verdict(method) {
            Verdict::Drop => return dropped(),
            _ if drop_point == Some(DropPoint::Unexecuted) => return dropped(),
            Verdict::Error { code, name } => Err(RpcErr::new(code, name)),
            Verdict::Proceed => rpc::execute(&self.shared, self.dc_id, key_id, &call),
        };
        match drop_point {
            Some(DropPoint::Unanswered) => return dropped(),
            Some(DropPoint::Answered) => {
                self.answer(msg_id, result, Some(method));
                // The answer goes out, then the connection closes.
                self.flush(true);
                self.outbox.close_after_queued();
            }
            _ => self.answer(msg_id, result, Some(method)),
        }
        Ok(())
    }

    fn respond(&self, req_msg_id: i64, result: Result<Vec<u8>, RpcErr>) {
        self.answer(req_msg_id, result, None);
    }

    /// Sends an answer; with `method`, the answer to that API request, counted as in
    /// flight until now.
    fn answer(&self, req_msg_id: i64, result: Result<Vec<u8>, RpcErr>, method: Option<&str>) {
        let in_flight = method.is_some();
        let mut body = Vec::with_capacity(12 + result.as_ref().map_or(32, Vec::len));
        RPC_RESULT.serialize(&mut body);
        req_msg_id.serialize(&mut body);
        match result {
            Ok(bytes) if bytes.len() > GZIP_ABOVE => match gzip(&bytes) {
                Some(packed) => {
                    self.shared.gzipped.fetch_add(1, Ordering::Relaxed);
                    body.extend_from_slice(&packed);
                }
                None => body.extend_from_slice(&bytes),
            },
            Ok(bytes) => body.extend_from_slice(&bytes),
            Err(err) => tl::enums::RpcError::Error(tl::types::RpcError {
                error_code: err.code,
                error_message: err.name,
            })
            .serialize(&mut body),
        }

        let delay = match method {
            Some(method) => self.shared.faults.delay_for(method),
            None => self.shared.faults.delay(),
        };
        if delay.is_zero() {
            self.emit(body);
            if in_flight {
                self.shared.stats.answered();
            }
        } else {
            let outbox = Arc::clone(&self.outbox);
            let shared = Arc::clone(&self.shared);
            tokio::spawn(async move {
                tokio::time::sleep(delay).await;
                outbox.send(&body, Kind::Response);
                if in_flight {
                    shared.stats.answered();
                }
            });
        }
    }
}

pub(crate) fn push_updates(shared: &Shared, user_id: i64, updates: &tl::enums::Updates) -> usize {
    push_updates_except(shared, user_id, updates, None)
}

/// [`push_updates`], skipping connections that use auth key `except` (the connection that
/// caused the updates gets them in its answer instead).
pub(crate) fn push_updates_except(
    shared: &Shared,
    user_id: i64,
    updates: &tl::enums::Updates,
    except: Option<[u8; 8]>,
) -> usize {
    let body = updates.to_bytes();
    let targets: Vec<_> = {
        let world = shared.world();
        shared
            .live_connections()
            .into_iter()
            .filter(|c| {
                let key = c.key_id();
                key != except && key.and_then(|k| world.authorized_user(&k)) == Some(user_id)
            })
            .collect()
    };
    targets
        .iter()
        .filter(|c| c.send(&body, Kind::Update))
        .count()
}

/// Pushes `updates` to the connections that use auth key `key_id`, logged in or not (a
/// QR login's `updateLoginToken` goes to a device that is not logged in yet). Takes no
/// world lock, so a handler may call it.
pub(crate) fn push_updates_to_key(
    shared: &Shared,
    key_id: [u8; 8],
    updates: &tl::enums::Updates,
) -> usize {
    let body = updates.to_bytes();
    shared
        .live_connections()
        .iter()
        .filter(|c| c.key_id() == Some(key_id))
        .filter(|c| c.send(&body, Kind::Update))
        .count()
}

fn future_salts(req_msg_id: i64, salt: i64) -> tl::enums::FutureSalts {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs() as i32;
    // Consecutive one-hour salts starting now: grammers drops the oldest only once the
    // next has been valid for a minute, so this lasts a long test run without re-asking.
    let salts = (0..FUTURE_SALTS as i32)
        .map(|i| tl::types::FutureSalt {
            valid_since: now.saturating_add(i * 3600),
            valid_until: now.saturating_add((i + 1) * 3600),
            salt: salt.wrapping_add(i as i64),
        })
        .collect();
    tl::enums::FutureSalts::Salts(tl::types::FutureSalts {
        req_msg_id,
        now,
        salts: tl::RawVec(salts),
    })
}

fn read<T: Deserializable>(cur: &mut Cursor) -> Result<T, Close> {
    T::deserialize(cur).map_err(|_| Close::Malformed("truncated message"))
}

fn read_message(cur: &mut Cursor) -> Result<(i64, i32, Vec<u8>), Close> {
    let msg_id = read::<i64>(cur)?;
    let seq_no = read::<i32>(cur)?;
    let len = read::<i32>(cur)?;
    if len < 4 || len as usize > MAX_FRAME {
        return Err(Close::Malformed("message length"));
    }
    let mut body = vec![0; len as usize];
    cur.read_exact(&mut body)
        .map_err(|_| Close::Malformed("message length beyond packet"))?;
    Ok((msg_id, seq_no, body))
}

/// `gzip_packed` around `data`, or `None` if compressing failed (then it goes out plain).
fn gzip(data: &[u8]) -> Option<Vec<u8>> {
    let mut packed = Vec::with_capacity(data.len() / 2);
    flate2::read::GzEncoder::new(data, flate2::Compression::fast())
        .read_to_end(&mut packed)
        .ok()?;
    let mut out = Vec::with_capacity(packed.len() + 8);
    GZIP_PACKED.serialize(&mut out);
    packed.serialize(&mut out);
    Some(out)
}

fn inflate(packed: &[u8]) -> Result<Vec<u8>, Close> {
    let data = Vec::<u8>::from_bytes(packed).map_err(|_| Close::Malformed("gzip_packed"))?;
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(&data[..])
        .take(MAX_INFLATED)
        .read_to_end(&mut out)
        .map_err(|_| Close::Malformed("gzip data"))?;
    Ok(out)
}

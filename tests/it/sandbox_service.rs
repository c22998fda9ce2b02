//! The sandbox's MTProto service layer seen from the wire, by a bare client written here
//! (grammers' crypto and framing, nothing of its sender): answers ready together come in
//! one `msg_container` with a `msgs_ack` for the client's content-related messages, as
//! Telegram sends them; `invokeWithLayer` / `initConnection` are checked with Telegram's
//! error names.

use std::io::Read;

use grammers_client::tl;
use grammers_crypto::{AuthKey, DequeBuffer};
use grammers_mtproto::transport::{Full, Transport};
use grammers_tl_types::{Deserializable, Identifiable, Serializable};
use tgmcp::sandbox::{Sandbox, World};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::common::within;

const MSG_CONTAINER: u32 = 0x73f1f8dc;
const RPC_RESULT: u32 = 0xf35c6d01;
const GZIP_PACKED: u32 = 0x3072cfa1;
const RPC_ERROR: u32 = 0x2144ca19;

/// One message the server sent; `container` is the msg_id of the container it came in.
#[derive(Debug)]
struct Msg {
    msg_id: i64,
    seq_no: i32,
    body: Vec<u8>,
    container: Option<(i64, i32)>,
}

impl Msg {
    fn constructor(&self) -> u32 {
        u32::from_le_bytes(self.body[..4].try_into().unwrap())
    }
    /// For an `rpc_result`: the request it answers and the result, unpacked.
    fn rpc_result(&self) -> Option<(i64, Vec<u8>)> {
        if self.constructor() != RPC_RESULT {
            return None;
        }
        let req = i64::from_le_bytes(self.body[4..12].try_into().unwrap());
        let mut result = self.body[12..].to_vec();
        if u32::from_le_bytes(result[..4].try_into().unwrap()) == GZIP_PACKED {
            let packed = Vec::<u8>::from_bytes(&result[4..]).unwrap();
            let mut out = Vec::new();
            flate2::read::GzDecoder::new(&packed[..])
                .read_to_end(&mut out)
                .unwrap();
            result = out;
        }
        Some((req, result))
    }
}

struct Raw {
    stream: TcpStream,
    key: AuthKey,
    transport: Full,
    session_id: i64,
    salt: i64,
    last_msg_id: i64,
    content_sent: i32,
    buf: Vec<u8>,
}

impl Raw {
    async fn connect(sandbox: &Sandbox, key: [u8; 256]) -> Self {
        Self {
            stream: TcpStream::connect(sandbox.addr()).await.unwrap(),
            key: AuthKey::from_bytes(key),
            transport: Full::new(),
            session_id: rand_i64(),
            salt: 0,
            last_msg_id: 0,
            content_sent: 0,
            buf: Vec::new(),
        }
    }

    fn next_msg_id(&mut self) -> i64 {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap();
        let id = ((now.as_secs() as i64) << 32) | ((now.subsec_nanos() as i64) << 2);
        self.last_msg_id = (id & !3).max(self.last_msg_id + 4);
        self.last_msg_id
    }

    fn content_seq(&mut self) -> i32 {
        self.content_sent += 1;
        self.content_sent * 2 - 1
    }

    async fn write(&mut self, msg_id: i64, seq_no: i32, body: &[u8]) {
        let mut plain = Vec::new();
        self.salt.serialize(&mut plain);
        self.session_id.serialize(&mut plain);
        msg_id.serialize(&mut plain);
        seq_no.serialize(&mut plain);
        (body.len() as i32).serialize(&mut plain);
        plain.extend_from_slice(body);
        let mut buffer = DequeBuffer::with_capacity(plain.len() + 64, 64);
        buffer.extend(plain);
        grammers_crypto::encrypt_data_v2(&mut buffer, &self.key);
        self.transport.pack(&mut buffer);
        self.stream.write_all(buffer.as_ref()).await.unwrap();
    }

    /// Sends one content-related message; returns its msg_id.
    async fn send(&mut self, body: &[u8]) -> i64 {
        let msg_id = self.next_msg_id();
        let seq_no = self.content_seq();
        self.write(msg_id, seq_no, body).await;
        msg_id
    }

    /// Sends several requests in one client container; returns their msg_ids.
    async fn send_container(&mut self, bodies: &[Vec<u8>]) -> Vec<i64> {
        let mut ids = Vec::new();
        let mut container = Vec::new();
        MSG_CONTAINER.serialize(&mut container);
        (bodies.len() as i32).serialize(&mut container);
        for body in bodies {
            let id = self.next_msg_id();
            let seq = self.content_seq();
            id.serialize(&mut container);
            seq.serialize(&mut container);
            (body.len() as i32).serialize(&mut container);
            container.extend_from_slice(body);
            ids.push(id);
        }
        let id = self.next_msg_id();
        let seq = self.content_sent * 2;
        self.write(id, seq, &container).await;
        ids
    }

    /// Reads one frame and returns the messages in it (a container's, flattened).
    async fn recv(&mut self) -> Vec<Msg> {
        let packet = loop {
            match self.transport.unpack(&mut self.buf[..]) {
                Ok(unpacked) => {
                    let packet = self.buf[unpacked.data_range].to_vec();
                    self.buf.drain(..unpacked.next_offset);
                    break packet;
                }
                Err(_) => {
                    let mut chunk = [0u8; 16 * 1024];
                    let n = within(10, self.stream.read(&mut chunk)).await.unwrap();
                    assert!(n > 0, "the sandbox closed the connection");
                    self.buf.extend_from_slice(&chunk[..n]);
                }
            }
        };
        let mut packet = packet;
        let plain = grammers_crypto::decrypt_data_v2(&mut packet, &self.key)
            .unwrap()
            .to_vec();
        assert_eq!(
            i64::from_le_bytes(plain[8..16].try_into().unwrap()),
            self.session_id
        );
        let (msg_id, seq_no, body) = read_message(&plain[16..]).0;
        if u32::from_le_bytes(body[..4].try_into().unwrap()) != MSG_CONTAINER {
            return vec![Msg {
                msg_id,
                seq_no,
                body,
                container: None,
            }];
        }
        let count = i32::from_le_bytes(body[4..8].try_into().unwrap());
        let mut rest = &body[8..];
        let mut inner = Vec::new();
        for _ in 0..count {
            let ((id, seq, b), used) = read_message(rest);
            rest = &rest[used..];
            inner.push(Msg {
                msg_id: id,
                seq_no: seq,
                body: b,
                container: Some((msg_id, seq_no)),
            });
        }
        inner
    }

    /// Reads until the answer to `req` arrives; returns everything read on the way.
    async fn until_answer(&mut self, req: i64) -> Vec<Msg> {
        let mut seen = Vec::new();
        loop {
            let msgs = self.recv().await;
            let done = msgs
                .iter()
                .any(|m| m.rpc_result().is_some_and(|(r, _)| r == req));
            seen.extend(msgs);
            if done {
                return seen;
            }
        }
    }

    /// Learns the server salt from the `bad_server_salt` its first message gets.
    async fn learn_salt(&mut self) {
        let probe = tl::functions::Ping { ping_id: 1 }.to_bytes();
        let id = self.send(&probe).await;
        let msgs = self.recv().await;
        let Ok(tl::enums::BadMsgNotification::BadServerSalt(bad)) =
            tl::enums::BadMsgNotification::from_bytes(&msgs[0].body)
        else {
            panic!("expected bad_server_salt, got {msgs:?}")
        };
        assert_eq!(bad.bad_msg_id, id);
        self.salt = bad.new_server_salt;
    }

    /// One request, answered: its result or the RPC error's name.
    async fn call(&mut self, body: &[u8]) -> Result<Vec<u8>, String> {
        let id = self.send(body).await;
        let msgs = self.until_answer(id).await;
        let (_, result) = msgs
            .iter()
            .find_map(|m| m.rpc_result().filter(|(r, _)| *r == id))
            .unwrap();
        if u32::from_le_bytes(result[..4].try_into().unwrap()) == RPC_ERROR {
            let tl::enums::RpcError::Error(err) = tl::enums::RpcError::from_bytes(&result).unwrap();
            return Err(err.error_message);
        }
        Ok(result)
    }
}

fn read_message(bytes: &[u8]) -> ((i64, i32, Vec<u8>), usize) {
    let msg_id = i64::from_le_bytes(bytes[..8].try_into().unwrap());
    let seq_no = i32::from_le_bytes(bytes[8..12].try_into().unwrap());
    let len = i32::from_le_bytes(bytes[12..16].try_into().unwrap()) as usize;
    ((msg_id, seq_no, bytes[16..16 + len].to_vec()), 16 + len)
}

fn rand_i64() -> i64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as i64;
    nanos ^ ((std::process::id() as i64) << 32)
}

fn get_self() -> tl::functions::users::GetUsers {
    tl::functions::users::GetUsers {
        id: vec![tl::enums::InputUser::UserSelf],
    }
}

fn init<Q: tl::RemoteCall>(query: Q, device_model: &str) -> tl::functions::InitConnection<Q> {
    tl::functions::InitConnection {
        api_id: 12345,
        device_model: device_model.into(),
        system_version: "test".into(),
        app_version: "1.0".into(),
        system_lang_code: "en".into(),
        lang_pack: String::new(),
        lang_code: "en".into(),
        proxy: None,
        params: None,
        query,
    }
}

fn with_layer<Q: tl::RemoteCall>(layer: i32, query: Q) -> Vec<u8> {
    tl::functions::InvokeWithLayer { layer, query }.to_bytes()
}

fn users_answer(result: &[u8]) -> Vec<tl::enums::User> {
    Vec::<tl::enums::User>::from_bytes(result).unwrap()
}

#[tokio::test]
async fn answers_ready_together_come_in_one_container_with_an_ack() {
    let world = World::demo();
    let me = world.demo_user().unwrap();
    let sandbox = Sandbox::start(world).await.unwrap();
    let mut raw = Raw::connect(&sandbox, sandbox.authorized_key(me)).await;
    raw.learn_salt().await;

    // The first processed message: new_session_created, the answer and an ack, together.
    let id = raw
        .send(&with_layer(tl::LAYER, init(get_self(), "raw test")))
        .await;
    let msgs = raw.until_answer(id).await;
    assert_eq!(msgs.len(), 3, "{msgs:?}");
    let (container_id, container_seq) = msgs[0].container.expect("sent in a container");
    assert!(
        msgs.iter()
            .all(|m| m.container == Some((container_id, container_seq)))
    );
    // Neither a container nor an ack is content-related: even seq_no; the rest odd.
    assert_eq!(container_seq % 2, 0);
    assert_eq!(
        msgs[0].constructor(),
        tl::types::NewSessionCreated::CONSTRUCTOR_ID
    );
    let (answered, result) = msgs[1].rpc_result().expect("the answer");
    assert_eq!(answered, id);
    assert_eq!(users_answer(&result)[0].id(), me);
    let tl::enums::MsgsAck::Ack(ack) = tl::enums::MsgsAck::from_bytes(&msgs[2].body).unwrap();
    assert_eq!(ack.msg_ids, [id]);
    assert_eq!(
        msgs.iter().map(|m| m.seq_no % 2).collect::<Vec<_>>(),
        [1, 1, 0]
    );
    // Server msg_ids: answers ≡ 1 (mod 4), increasing, the container's above its contents.
    assert!(
        msgs.iter()
            .all(|m| m.msg_id % 4 == 1 && m.msg_id < container_id)
    );
    assert!(msgs.windows(2).all(|w| w[0].msg_id < w[1].msg_id));

    // Two requests in one client container: both answers and one ack for both.
    let config = tl::functions::help::GetConfig {}.to_bytes();
    let ids = raw.send_container(&[config, get_self().to_bytes()]).await;
    let msgs = raw.until_answer(ids[1]).await;
    assert_eq!(msgs.len(), 3, "{msgs:?}");
    let container = msgs[0].container.expect("sent in a container");
    assert!(msgs.iter().all(|m| m.container == Some(container)));
    let answered: Vec<i64> = msgs
        .iter()
        .filter_map(|m| m.rpc_result())
        .map(|(r, _)| r)
        .collect();
    assert_eq!(answered, ids);
    let tl::enums::MsgsAck::Ack(ack) = tl::enums::MsgsAck::from_bytes(&msgs[2].body).unwrap();
    assert_eq!(ack.msg_ids, ids);
    assert!(sandbox.containers_sent() >= 2 && sandbox.acks_sent() >= 2);

    // A lone answer to a service message (a ping) still comes with its ack.
    let ping = raw
        .send(&tl::functions::Ping { ping_id: 7 }.to_bytes())
        .await;
    let msgs = raw.recv().await;
    let tl::enums::Pong::Pong(pong) = tl::enums::Pong::from_bytes(&msgs[0].body).unwrap();
    assert_eq!((pong.msg_id, pong.ping_id), (ping, 7));
    let tl::enums::MsgsAck::Ack(ack) = tl::enums::MsgsAck::from_bytes(&msgs[1].body).unwrap();
    assert_eq!(ack.msg_ids, [ping]);
}

#[tokio::test]
async fn the_layer_and_init_connection_are_checked_as_telegram_does() {
    let world = World::demo();
    let me = world.demo_user().unwrap();
    let sandbox = Sandbox::start(world).await.unwrap();
    let key = sandbox.authorized_key(me);
    let mut raw = Raw::connect(&sandbox, key).await;
    raw.learn_salt().await;

    // A key that never said which layer it speaks.
    assert_eq!(
        raw.call(&get_self().to_bytes()).await.unwrap_err(),
        "CONNECTION_NOT_INITED"
    );
    // invokeWithLayer goes with initConnection, and initConnection inside it.
    assert_eq!(
        raw.call(&with_layer(tl::LAYER, get_self()))
            .await
            .unwrap_err(),
        "CONNECTION_LAYER_INVALID"
    );
    assert_eq!(
        raw.call(&init(get_self(), "raw test").to_bytes())
            .await
            .unwrap_err(),
        "CONNECTION_LAYER_INVALID"
    );
    // Not a layer at all; a layer older than the sandbox can answer in.
    assert_eq!(
        raw.call(&with_layer(0, init(get_self(), "raw test")))
            .await
            .unwrap_err(),
        "CONNECTION_LAYER_INVALID"
    );
    assert_eq!(
        raw.call(&with_layer(100, init(get_self(), "raw test")))
            .await
            .unwrap_err(),
        "LAYER_NOT_SUPPORTED_BY_SANDBOX"
    );
    assert_eq!(
        raw.call(&with_layer(tl::LAYER, init(get_self(), " ")))
            .await
            .unwrap_err(),
        "CONNECTION_DEVICE_MODEL_EMPTY"
    );
    // A newer layer than the sandbox's is served in its own, as Telegram does.
    let answer = raw
        .call(&with_layer(tl::LAYER + 1, init(get_self(), "raw test")))
        .await
        .unwrap();
    assert_eq!(users_answer(&answer)[0].id(), me);
    // Saved with the key: later requests, on any connection, need no wrapper.
    let answer = raw.call(&get_self().to_bytes()).await.unwrap();
    assert_eq!(users_answer(&answer)[0].id(), me);
    let mut again = Raw::connect(&sandbox, key).await;
    again.learn_salt().await;
    let answer = again.call(&get_self().to_bytes()).await.unwrap();
    assert_eq!(users_answer(&answer)[0].id(), me);
}

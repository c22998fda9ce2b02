//! Entry points for fuzzing the sandbox's request handling without a socket: the cargo
//! fuzz targets in `fuzz/` and the property tests call these with hostile bytes.
//!
//! The bytes are one API request as a client would send it inside an encrypted message
//! (wrappers such as `invokeWithLayer` included), executed against the demo world as the
//! demo account. Nothing may panic, whatever the bytes; a malformed request is an RPC
//! error, as Telegram answers it.

use std::sync::OnceLock;

use super::{Sandbox, World, rpc};

struct Target {
    // Keeps the sandbox's tasks alive; requests never touch its sockets.
    _runtime: tokio::runtime::Runtime,
    sandbox: Sandbox,
    key_id: [u8; 8],
}

fn target() -> &'static Target {
    static TARGET: OnceLock<Target> = OnceLock::new();
    TARGET.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        let sandbox = runtime
            .block_on(Sandbox::start(World::demo()))
            .expect("the sandbox starts on loopback");
        let me = sandbox.world().demo_user().expect("the demo account");
        let key = sandbox.authorized_key(me);
        Target {
            _runtime: runtime,
            key_id: super::AuthKey::from_bytes(key).id(),
            sandbox,
        }
    })
}

/// Decodes and executes one request; returns the serialized answer or the RPC error's
/// name. The world persists between calls, as a DC's does.
pub fn api_call(body: &[u8]) -> Result<Vec<u8>, String> {
    let target = target();
    let call = rpc::Call::parse(body).map_err(|e| e.name)?;
    let dc_id = target.sandbox.dc_id();
    rpc::execute(&target.sandbox.shared, dc_id, target.key_id, &call).map_err(|e| e.name)
}

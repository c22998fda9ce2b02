//! The API layer and `initConnection`, checked as Telegram checks them.
//!
//! Telegram saves the layer a client speaks, with its other parameters, against the auth
//! key when a request comes wrapped in `invokeWithLayer(initConnection(…))`; later
//! requests need no wrapper. `invokeWithLayer` without `initConnection` (or the reverse)
//! is `CONNECTION_LAYER_INVALID`, a request on a key that was never initialised is
//! `CONNECTION_NOT_INITED`, and empty client fields have their own error names.
//!
//! Telegram serves old layers by translating its answers into them; the sandbox answers
//! in its own layer only (grammers'), so a layer older than [`MIN_LAYER`] is refused
//! with `LAYER_NOT_SUPPORTED_BY_SANDBOX` rather than answered with constructors the client
//! cannot read. A newer layer is served the sandbox's own, as Telegram serves a client
//! whatever it has.

use super::rpc::{Call, RpcErr};
use super::{Shared, lock};

/// The oldest layer whose clients read the sandbox's answers: Telethon 1.45's, which the
/// suite drives it with (tests/telethon/).
pub(crate) const MIN_LAYER: i32 = 229;

/// Checks `call`'s wrappers against what auth key `key_id` has said before, and saves
/// the layer of a good `initConnection`.
pub(crate) fn check(shared: &Shared, key_id: [u8; 8], call: &Call) -> Result<(), RpcErr> {
    let bad = |name: &str| Err(RpcErr::new(400, name));
    match (&call.init, call.layer) {
        (Some(_), None) | (None, Some(_)) => bad("CONNECTION_LAYER_INVALID"),
        (Some(init), Some(layer)) => {
            // Layers are numbered from 2 (the base layer).
            if layer < 2 {
                return bad("CONNECTION_LAYER_INVALID");
            }
            if layer < MIN_LAYER {
                tracing::warn!(
                    "sandbox: a client asked for API layer {layer}; the sandbox answers in layer {} and serves layers from {MIN_LAYER}",
                    grammers_tl_types::LAYER
                );
                return bad("LAYER_NOT_SUPPORTED_BY_SANDBOX");
            }
            if init.api_id <= 0 {
                return bad("CONNECTION_API_ID_INVALID");
            }
            if init.device_model.trim().is_empty() {
                return bad("CONNECTION_DEVICE_MODEL_EMPTY");
            }
            if init.system_version.trim().is_empty() {
                return bad("CONNECTION_SYSTEM_EMPTY");
            }
            if init.app_version.trim().is_empty() {
                return bad("CONNECTION_APP_VERSION_EMPTY");
            }
            lock(&shared.layers).insert(key_id, layer);
            Ok(())
        }
        (None, None) if lock(&shared.layers).contains_key(&key_id) => Ok(()),
        (None, None) => bad("CONNECTION_NOT_INITED"),
    }
}

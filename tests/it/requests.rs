//! What the client really sent to the sandbox, decoded: flags the sandbox's world does
//! not keep (silent, no preview) are asserted from the requests themselves.

use grammers_tl_types::{self as tl, Deserializable};
use tgmcp::sandbox::Sandbox;

/// Every `messages.sendMessage` the sandbox received since
/// `sandbox.stats().record_requests(true)`, decoded.
pub(crate) fn send_message_requests(
    sandbox: &Sandbox,
) -> Vec<tl::functions::messages::SendMessage> {
    sandbox
        .stats()
        .recorded_calls("messages.sendMessage")
        .iter()
        .map(|bytes| {
            // A function's arguments follow its constructor id.
            tl::functions::messages::SendMessage::from_bytes(&bytes[4..])
                .expect("a recorded messages.sendMessage decodes")
        })
        .collect()
}

//! The sandbox's MTProto service layer plays Telegram's part: a message with a salt that
//! is not valid is refused with `bad_server_salt` and the client resends it; large answers
//! come gzip-packed.

use grammers_client::tl;
use tgmcp::sandbox::{Sandbox, World};

use crate::common::{connect, within};

#[tokio::test]
async fn a_client_without_the_salt_is_told_it_and_resends() {
    let world = World::demo();
    let me = world.demo_user().unwrap();
    let sandbox = Sandbox::start(world).await.unwrap();
    let tc = connect(&sandbox, sandbox.authorized_key(me));
    // grammers starts a session with no salt: its first message is refused, then resent.
    let users = within(
        10,
        tc.client.invoke(&tl::functions::users::GetUsers {
            id: vec![tl::enums::InputUser::UserSelf],
        }),
    )
    .await
    .unwrap();
    assert_eq!(users.len(), 1);
    assert!(sandbox.bad_salts() >= 1, "bad_server_salt was sent");
    let refused = sandbox.bad_salts();
    // Processed exactly once: the refused message was not executed.
    assert_eq!(sandbox.stats().count("users.getUsers"), 1);
    // Once it has the salt, nothing more is refused.
    within(10, tc.client.get_me()).await.unwrap();
    assert_eq!(sandbox.bad_salts(), refused);
}

#[tokio::test]
async fn a_large_answer_comes_gzip_packed_and_decodes() {
    let world = World::demo();
    let me = world.demo_user().unwrap();
    let sandbox = Sandbox::start(world).await.unwrap();
    let tc = connect(&sandbox, sandbox.authorized_key(me));
    let dialogs = within(
        10,
        tc.client.invoke(&tl::functions::messages::GetDialogs {
            exclude_pinned: false,
            folder_id: None,
            offset_date: 0,
            offset_id: 0,
            offset_peer: tl::enums::InputPeer::Empty,
            limit: 100,
            hash: 0,
        }),
    )
    .await
    .unwrap();
    let count = match dialogs {
        tl::enums::messages::Dialogs::Dialogs(d) => d.dialogs.len(),
        tl::enums::messages::Dialogs::Slice(d) => d.dialogs.len(),
        other => panic!("{other:?}"),
    };
    assert!(count > 3, "{count} dialogs");
    assert!(sandbox.gzipped_answers() >= 1, "the answer was gzip-packed");
}

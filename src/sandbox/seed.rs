//! The demo world behind `tgmcp --sandbox`: a small, believable account to search, read
//! and write in with no Telegram account and no network.

use grammers_tl_types as tl;

use super::world::{ChannelSpec, Media, MessageSpec, Peer, UserSpec, World, now};

/// The demo account's phone number (the one `tgmcp --sandbox setup` logs in with).
pub const DEMO_PHONE: &str = "+15550100001";
/// The demo account's 2FA password; the sandbox prints it during `--sandbox setup`.
pub const DEMO_PASSWORD: &str = "sandbox";
pub const DEMO_PASSWORD_HINT: &str = "the word sandbox";

const HOUR: i32 = 3600;
const DAY: i32 = 24 * HOUR;

impl World {
    /// The seeded demo world. Its account is [`World::demo_user`].
    pub fn demo() -> Self {
        let mut w = World::new();
        let t = now();

        let me = w.add_user(
            UserSpec::new("Alex")
                .last_name("Demo")
                .username("alex_demo")
                .phone(DEMO_PHONE)
                .about("Trying tgmcp in the sandbox")
                .password(DEMO_PASSWORD, Some(DEMO_PASSWORD_HINT)),
        );
        let bob = w.add_user(
            UserSpec::new("Bob")
                .last_name("Builder")
                .username("bob_builder")
                .phone("+15550100002")
                .about("Ships things"),
        );
        let carol = w.add_user(
            UserSpec::new("Carol")
                .last_name("Chen")
                .username("carol")
                .phone("+15550100003"),
        );
        let dave = w.add_user(UserSpec::new("Dave").phone("+15550100004"));
        let erin = w.add_user(UserSpec::new("Erin").username("erin_ops"));
        let bot = w.add_user(UserSpec::new("Deploy Bot").username("deploy_bot").bot());
        for c in [bob, carol, dave] {
            w.add_contact(me, c);
            w.add_contact(c, me);
        }

        let hike = w.add_group("Weekend hike", carol, &[me, bob, carol]);
        let rust = w.add_channel(ChannelSpec {
            title: "Rust Berlin".into(),
            username: Some("rust_berlin".into()),
            broadcast: false,
            creator: erin,
            members: vec![me, bob, erin],
            about: Some("Rustaceans in Berlin: meetups and questions".into()),
        });
        let news = w.add_channel(ChannelSpec {
            title: "Sandbox News".into(),
            username: Some("sandbox_news".into()),
            broadcast: true,
            creator: erin,
            members: vec![me, erin],
            about: Some("Announcements from the sandbox".into()),
        });

        let msg = |w: &mut World, from: i64, to: Peer, ago: i32, text: &str| {
            w.add_message(MessageSpec::new(from, to, text).at(t - ago))
        };

        // Private chats.
        msg(
            &mut w,
            bob,
            Peer::User(me),
            13 * DAY,
            "Hey Alex, did you get the invoice for March?",
        );
        msg(
            &mut w,
            me,
            Peer::User(bob),
            13 * DAY - HOUR,
            "Yes, paid it this morning. Thanks!",
        );
        msg(
            &mut w,
            bob,
            Peer::User(me),
            6 * DAY,
            "Can we move the project meeting to Thursday?",
        );
        let q = msg(
            &mut w,
            me,
            Peer::User(bob),
            6 * DAY - 600,
            "Thursday 10:00 works for me",
        );
        w.add_message(
            MessageSpec::new(bob, Peer::User(me), "Great, see you then")
                .at(t - 6 * DAY + 900)
                .reply_to(q),
        );
        w.add_message(
            MessageSpec::new(bob, Peer::User(me), "Here is the invoice for April")
                .at(t - 2 * DAY)
                .media(Media::Document {
                    id: 90_001,
                    file_name: "invoice-april.pdf".into(),
                    mime_type: "application/pdf".into(),
                    size: 48_213,
                }),
        );
        msg(
            &mut w,
            carol,
            Peer::User(me),
            4 * DAY,
            "Are you coming to the hike on Saturday?",
        );
        msg(
            &mut w,
            me,
            Peer::User(carol),
            4 * DAY - HOUR,
            "Wouldn't miss it. Bringing sandwiches.",
        );
        w.add_message(
            MessageSpec::new(carol, Peer::User(me), "Photo from the summit last time")
                .at(t - 3 * DAY)
                .media(Media::Photo { id: 80_001 }),
        );
        msg(
            &mut w,
            dave,
            Peer::User(me),
            20 * HOUR,
            "Your package was delivered to the front desk",
        );
        msg(
            &mut w,
            bot,
            Peer::User(me),
            3 * HOUR,
            "Deploy of api v2.3.1 to production finished: all checks green",
        );
        msg(
            &mut w,
            bot,
            Peer::User(me),
            HOUR,
            "Deploy of web v1.9.0 to staging failed: 2 tests red",
        );
        msg(
            &mut w,
            me,
            Peer::User(me),
            5 * DAY,
            "Note to self: renew passport before June",
        );

        // The basic group.
        let hike = Peer::Chat(hike);
        msg(
            &mut w,
            carol,
            hike,
            5 * DAY,
            "Hike on Saturday: meet at the station at 8:00",
        );
        msg(
            &mut w,
            bob,
            hike,
            5 * DAY - HOUR,
            "I'll bring the map and the first aid kit",
        );
        msg(
            &mut w,
            me,
            hike,
            5 * DAY - 2 * HOUR,
            "Sandwiches and coffee are on me",
        );
        msg(
            &mut w,
            carol,
            hike,
            DAY,
            "Weather looks good, the hike is on!",
        );

        // The supergroup.
        let rust = Peer::Channel(rust);
        msg(
            &mut w,
            erin,
            rust,
            10 * DAY,
            "Welcome to Rust Berlin! Next meetup is on the 14th.",
        );
        msg(
            &mut w,
            bob,
            rust,
            9 * DAY,
            "Anyone using tokio with io_uring in production?",
        );
        msg(
            &mut w,
            me,
            rust,
            9 * DAY - HOUR,
            "We tried it for a file server; the meeting notes are in the wiki",
        );
        w.add_message(
            MessageSpec::new(
                erin,
                rust,
                "Talk proposals for the meetup are open until Friday",
            )
            .at(t - 2 * DAY)
            .entities(vec![
                tl::types::MessageEntityBold {
                    offset: 0,
                    length: 14,
                }
                .into(),
            ]),
        );
        msg(
            &mut w,
            bob,
            rust,
            7 * HOUR,
            "Slides from yesterday's talk on async traits are up",
        );

        // The broadcast channel: posts have no sender.
        for (ago, text) in [
            (
                12 * DAY,
                "Sandbox News #1: the sandbox DC speaks real MTProto 2.0",
            ),
            (
                8 * DAY,
                "Sandbox News #2: search works on words and word prefixes",
            ),
            (
                DAY + 3 * HOUR,
                "Sandbox News #3: try `tgmcp --sandbox search invoice`",
            ),
        ] {
            w.add_message(MessageSpec {
                from: None,
                ..MessageSpec::new(0, Peer::Channel(news), text).at(t - ago)
            });
        }
        w
    }

    /// The demo world's own account.
    pub fn demo_user(&self) -> Option<i64> {
        self.user_by_phone(DEMO_PHONE).map(|u| u.id)
    }
}

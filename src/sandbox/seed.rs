//! The demo world behind `tgmcp --sandbox`: a small, believable account to search, read
//! and write in with no Telegram account and no network.
//!
//! It is written chat by chat as a [`Script`] and inserted in time order, so message ids
//! grow with dates in every box, as they do in Telegram. What it offers to try and test:
//! private chats, a basic group, a supergroup with a reply thread, broadcast channels
//! (one with 150 posts, to page through), messages in German, Spanish, Russian and
//! Japanese and with emoji, photos, documents and a voice note, unread messages in several
//! dialogs, a public channel the account has not joined, a private channel and a group it
//! is not in, and people it can find by phone number or not.

use std::collections::HashMap;

use grammers_tl_types as tl;

use super::inbox::Folder;
use super::world::{
    Action, ChannelSpec, Forwarded, Media, MessageSpec, Peer, PhonePrivacy, UserSpec, World, now,
};

/// The demo account's phone number (the one `tgmcp --sandbox setup` logs in with).
pub const DEMO_PHONE: &str = "+15550100001";
/// The demo account's 2FA password; the sandbox prints it during `--sandbox setup`.
pub const DEMO_PASSWORD: &str = "sandbox";
pub const DEMO_PASSWORD_HINT: &str = "the word sandbox";

const MINUTE: i32 = 60;
const HOUR: i32 = 60 * MINUTE;
const DAY: i32 = 24 * HOUR;

/// How many posts the "Tech Digest" channel has, and how many of them the demo account
/// has not read yet.
const TECH_DIGEST_POSTS: i32 = 150;
const TECH_DIGEST_UNREAD: i32 = 10;

/// Messages written chat by chat, placed by how long ago they were sent. Replies name
/// their target by a label because ids are only known once everything is in time order.
struct Script {
    now: i32,
    lines: Vec<Line>,
}

struct Line {
    spec: MessageSpec,
    label: Option<&'static str>,
    reply_to: Option<&'static str>,
}

impl Line {
    fn label(&mut self, label: &'static str) -> &mut Self {
        self.label = Some(label);
        self
    }
    fn reply_to(&mut self, label: &'static str) -> &mut Self {
        self.reply_to = Some(label);
        self
    }
    fn media(&mut self, media: Media) -> &mut Self {
        self.spec.media = Some(media);
        self
    }
    fn entities(&mut self, entities: Vec<tl::enums::MessageEntity>) -> &mut Self {
        self.spec.entities = entities;
        self
    }
}

impl Script {
    fn new() -> Self {
        Self {
            now: now(),
            lines: Vec::new(),
        }
    }

    fn add(&mut self, spec: MessageSpec, ago: i32) -> &mut Line {
        self.lines.push(Line {
            spec: spec.at(self.now - ago),
            label: None,
            reply_to: None,
        });
        self.lines.last_mut().expect("just pushed")
    }

    fn say(&mut self, from: i64, to: Peer, ago: i32, text: &str) -> &mut Line {
        self.add(MessageSpec::new(from, to, text), ago)
    }

    /// A channel post, published by `admin`.
    fn post(&mut self, channel: i64, admin: i64, ago: i32, text: &str) -> &mut Line {
        self.add(MessageSpec::post(channel, text).posted_by(admin), ago)
    }

    /// Adds every line to `w`, oldest first (lines sent at the same second keep the order
    /// they were written in).
    fn perform(mut self, w: &mut World) {
        self.lines.sort_by_key(|line| line.spec.date);
        let mut ids = HashMap::new();
        for line in self.lines {
            let mut spec = line.spec;
            spec.reply_to = line.reply_to.and_then(|label| ids.get(label).copied());
            let id = w.add_message(spec);
            if let Some(label) = line.label {
                ids.insert(label, id);
            }
        }
    }
}

/// Everyone in the demo world.
struct Cast {
    me: i64,
    bob: i64,
    carol: i64,
    dave: i64,
    erin: i64,
    bot: i64,
    lucia: i64,
    dmitri: i64,
    yuki: i64,
    hans: i64,
}

fn cast(w: &mut World) -> Cast {
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
    let lucia = w.add_user(
        UserSpec::new("Lucía")
            .last_name("Fernández")
            .username("lucia_fz")
            .phone("+34600100007"),
    );
    let dmitri = w.add_user(
        UserSpec::new("Дмитрий")
            .last_name("Иванов")
            .username("dmitri_iv")
            .phone("+79990100008"),
    );
    let yuki = w.add_user(UserSpec::new("Yuki").last_name("Tanaka").username("yuki_t"));
    let hans = w.add_user(UserSpec::new("Hans").last_name("Müller").username("hans_m"));
    // On Telegram but not in Alex's contacts: one findable by phone, one who allows
    // only their contacts to find them.
    w.add_user(
        UserSpec::new("Frank")
            .last_name("Miller")
            .phone("+15550100006"),
    );
    w.add_user(
        UserSpec::new("Grace")
            .last_name("Hopper")
            .username("grace_h")
            .phone("+15550100009")
            .phone_privacy(PhonePrivacy::Contacts),
    );
    for c in [bob, carol, dave, lucia, dmitri] {
        w.add_contact(me, c);
        w.add_contact(c, me);
    }
    Cast {
        me,
        bob,
        carol,
        dave,
        erin,
        bot,
        lucia,
        dmitri,
        yuki,
        hans,
    }
}

impl World {
    /// The seeded demo world. Its account is [`World::demo_user`].
    pub fn demo() -> Self {
        let mut w = World::new();
        let c = cast(&mut w);
        let mut s = Script::new();
        private_chats(&mut s, &c);
        let hike = w.add_group("Weekend hike", c.carol, &[c.me, c.bob, c.carol]);
        let book_club = w.add_group("Book club", c.carol, &[c.dave, c.lucia]);
        groups(&mut s, &c, Peer::Chat(hike), Peer::Chat(book_club));
        rust_berlin(&mut w, &mut s, &c);
        channels(&mut w, &mut s, &c);
        let inbox = inbox_chats(&mut w, &mut s, &c);
        s.perform(&mut w);
        leave_unread(&mut w, &c);
        keep_inbox(&mut w, &c, inbox);
        react(&mut w, &c);
        keep_notes(&mut w, &c);
        old_project_news(&mut w, &c);
        // Last, so every peer id and message id above stays where tests expect it.
        discussion(&mut w, &c);
        w
    }

    /// The demo world's own account.
    pub fn demo_user(&self) -> Option<i64> {
        self.user_by_phone(DEMO_PHONE).map(|u| u.id)
    }
}

/// The picture every seeded photo shows: a small real JPEG (160×100, a mountain summit).
pub(crate) const DEMO_PHOTO: &[u8] = include_bytes!("assets/summit.jpg");
pub(crate) const DEMO_PHOTO_SIZE: (i32, i32) = (160, 100);
/// The seeded voice note: 14 s of silence as real Ogg Opus (mono, 48 kHz), so players
/// and tools that check the container accept it.
const DEMO_VOICE: &[u8] = include_bytes!("assets/voice.ogg");

impl World {
    /// Bytes `range` of a seeded photo or file, which has no content of its own: the demo
    /// photo, the demo voice note, or for a document its kind's magic number then a
    /// filler line repeated to the declared size. Made on demand, so a demo world costs no
    /// memory for them (`tgmcp --sandbox download @bob_builder 50` works). `None` for an
    /// id no message carries.
    pub(crate) fn stand_in_file(&self, id: i64, range: std::ops::Range<usize>) -> Option<Vec<u8>> {
        let (magic, size): (&[u8], i64) = self.messages.iter().find_map(|m| match &m.media {
            Some(Media::Document {
                id: d,
                mime_type,
                size,
                ..
            }) if *d == id => Some((
                if mime_type == "application/pdf" {
                    &b"%PDF-1.4\n"[..]
                } else {
                    &b""[..]
                },
                *size,
            )),
            Some(Media::Voice { id: v, .. }) if *v == id => {
                Some((DEMO_VOICE, DEMO_VOICE.len() as i64))
            }
            Some(Media::Photo { id: p }) if *p == id => Some((DEMO_PHOTO, DEMO_PHOTO.len() as i64)),
            _ => None,
        })?;
        const FILLER: &[u8] = b"% tgmcp sandbox: a stand-in for the real file\n";
        let size = size.max(0) as usize;
        let byte = |i: usize| match magic.get(i) {
            Some(b) => *b,
            None => FILLER[(i - magic.len()) % FILLER.len()],
        };
        Some(
            (range.start.min(size)..range.end.min(size))
                .map(byte)
                .collect(),
        )
    }
}

/// Twenty days of Bob's and Alex's daily sync, oldest first.
const DAILY_SYNC: [&str; 20] = [
    "Morning! CI is green, I'm on the login page today",
    "Reviewed your PR, two small comments, otherwise good to go",
    "Staging is stuck on a migration, looking into it",
    "Migration fixed: it was a missing index on orders.created_at",
    "Out at the dentist until 11, ping me if anything burns",
    "Pushed the new receipt template, can you check the PDF layout?",
    "Layout looks fine, only the footer wraps on A4",
    "Footer fixed. Flaky test in payments again, I muted it for now",
    "Let's not mute it: I'll pair with you on it after lunch",
    "Found it, a timezone bug in the test fixture. Merged",
    "Release candidate is tagged, changelog in the usual place",
    "Smoke tests passed on the RC, shipping at 3pm",
    "Shipped. Error rate is flat, nice work",
    "Customer reported slow exports, I'll profile it today",
    "Exports were doing one query per row; batched them, 40x faster",
    "Planning on Monday: I'd like to tackle the slow pages backlog",
    "Agreed. I'll write up the three biggest complaints",
    "On call this week; quiet night, only one disk alert",
    "Disk alert was the log volume, rotated and added a cap",
    "Wrapping up the sprint: demo slides are in the shared drive",
];

/// The Tech Digest's headlines: the first is fixed (tests read it), the rest combine a
/// subject and a story so 150 posts do not repeat.
fn digest_headline(n: usize) -> String {
    // 13 and 12 share no factor: 156 different pairs before one repeats.
    const SUBJECTS: [&str; 13] = [
        "compilers",
        "databases",
        "networking",
        "security",
        "browsers",
        "cloud costs",
        "open source",
        "mobile apps",
        "observability",
        "programming languages",
        "hardware",
        "developer tools",
        "AI assistants",
    ];
    const STORIES: [&str; 12] = [
        "what changed this week",
        "a post-mortem worth reading",
        "benchmarks, with caveats",
        "three tools we tried",
        "release notes 🎉",
        "a talk recording",
        "lessons from an outage",
        "the long read",
        "a migration story",
        "questions from readers",
        "numbers of the month",
        "a design doc, annotated",
    ];
    if n == 0 {
        return "compilers and build times".to_owned();
    }
    format!(
        "{}: {}",
        SUBJECTS[n % SUBJECTS.len()],
        STORIES[n % STORIES.len()]
    )
}

fn private_chats(s: &mut Script, c: &Cast) {
    let (me, bob, lucia) = (c.me, c.bob, c.lucia);
    // The oldest messages of the common box (ids 1, 2, 3 …): a chat in Spanish.
    s.say(
        lucia,
        Peer::User(me),
        29 * DAY,
        "¡Hola Alex! ¿Quedamos el jueves para la reunión?",
    );
    s.say(
        me,
        Peer::User(lucia),
        29 * DAY - HOUR,
        "¡Claro! El jueves a las diez.",
    );
    s.say(
        lucia,
        Peer::User(me),
        28 * DAY,
        "Perfecto, nos vemos en la estación.",
    );
    s.say(
        lucia,
        Peer::User(me),
        11 * DAY,
        "Te envío la factura mañana por la mañana.",
    );
    s.say(
        lucia,
        Peer::User(me),
        10 * DAY,
        "Nota de voz sobre el viaje",
    )
    .media(Media::Voice {
        id: 70_001,
        duration: 14,
        size: DEMO_VOICE.len() as i64,
    });
    s.say(
        lucia,
        Peer::User(me),
        16 * HOUR,
        "🎂 ¡Feliz cumpleaños, Alex! 🎉",
    );

    // Twenty days of a daily sync with Bob, to page through a long private chat.
    for (day, text) in (0..).zip(DAILY_SYNC) {
        let (from, to) = if day % 2 == 0 { (bob, me) } else { (me, bob) };
        let text = format!("Daily sync #{}: {text}", day + 1);
        s.say(from, Peer::User(to), (34 - day) * DAY / 2 + 9 * HOUR, &text);
    }
    s.say(
        bob,
        Peer::User(me),
        13 * DAY,
        "Hey Alex, did you get the invoice for March?",
    );
    s.say(
        me,
        Peer::User(bob),
        13 * DAY - HOUR,
        "Yes, paid it this morning. Thanks!",
    );
    s.say(
        bob,
        Peer::User(me),
        6 * DAY,
        "Can we move the project meeting to Thursday?",
    );
    s.say(
        me,
        Peer::User(bob),
        6 * DAY - 10 * MINUTE,
        "Thursday 10:00 works for me",
    )
    .label("thursday");
    s.say(
        bob,
        Peer::User(me),
        6 * DAY - 15 * MINUTE,
        "Great, see you then",
    )
    .reply_to("thursday");
    s.say(
        bob,
        Peer::User(me),
        2 * DAY,
        "Here is the invoice for April",
    )
    .media(Media::Document {
        id: 90_001,
        file_name: "invoice-april.pdf".into(),
        mime_type: "application/pdf".into(),
        size: 48_213,
    });

    let carol = c.carol;
    s.say(
        carol,
        Peer::User(me),
        4 * DAY,
        "Are you coming to the hike on Saturday?",
    );
    s.say(
        me,
        Peer::User(carol),
        4 * DAY - HOUR,
        "Wouldn't miss it. Bringing sandwiches.",
    );
    s.say(
        carol,
        Peer::User(me),
        3 * DAY,
        "Photo from the summit last time",
    )
    .media(Media::Photo { id: 80_001 });
    s.say(
        c.dave,
        Peer::User(me),
        20 * HOUR,
        "Your package was delivered to the front desk",
    );
    let bot = c.bot;
    s.say(
        bot,
        Peer::User(me),
        3 * HOUR,
        "Deploy of api v2.3.1 to production finished: all checks green",
    );
    s.say(
        bot,
        Peer::User(me),
        HOUR,
        "Deploy of web v1.9.0 to staging failed: 2 tests red",
    );
    s.say(
        me,
        Peer::User(me),
        5 * DAY,
        "Note to self: renew passport before June",
    );
    s.say(
        me,
        Peer::User(me),
        15 * DAY,
        "Wi-Fi password for the cabin: https://t.me/+cabin",
    );

    let dmitri = c.dmitri;
    s.say(
        dmitri,
        Peer::User(me),
        8 * DAY,
        "Привет! Встреча переносится на пятницу.",
    );
    s.say(
        me,
        Peer::User(dmitri),
        8 * DAY - HOUR,
        "Хорошо, до пятницы!",
    );
    s.say(
        dmitri,
        Peer::User(me),
        7 * DAY,
        "Счёт за апрель я отправил вчера.",
    );

    let yuki = c.yuki;
    s.say(
        yuki,
        Peer::User(me),
        12 * DAY,
        "こんにちは！明日の会議は十時からです。",
    );
    s.say(
        me,
        Peer::User(yuki),
        12 * DAY - HOUR,
        "ありがとうございます 🙏",
    );
    s.say(yuki, Peer::User(me), 11 * DAY, "資料を送りました。")
        .media(Media::Photo { id: 80_002 });
}

fn groups(s: &mut Script, c: &Cast, hike: Peer, book_club: Peer) {
    let (me, bob, carol) = (c.me, c.bob, c.carol);
    s.say(
        carol,
        hike,
        5 * DAY,
        "Hike on Saturday: meet at the station at 8:00",
    );
    s.say(
        bob,
        hike,
        5 * DAY - HOUR,
        "I'll bring the map and the first aid kit",
    );
    s.say(
        me,
        hike,
        5 * DAY - 2 * HOUR,
        "Sandwiches and coffee are on me",
    );
    s.say(
        carol,
        hike,
        2 * DAY + 5 * HOUR,
        "Summit panorama from the last hike",
    )
    .media(Media::Photo { id: 80_003 });
    s.say(bob, hike, 2 * DAY + 4 * HOUR, "🍕 after the hike?");
    s.say(carol, hike, DAY, "Weather looks good, the hike is on!");

    // A group Alex is not in.
    s.say(
        carol,
        book_club,
        9 * DAY,
        "This month: The Left Hand of Darkness",
    );
    s.say(c.lucia, book_club, 8 * DAY, "¡Me encanta ese libro!");
}

fn rust_berlin(w: &mut World, s: &mut Script, c: &Cast) {
    let (me, bob, erin, hans, dmitri) = (c.me, c.bob, c.erin, c.hans, c.dmitri);
    let id = w.add_channel(ChannelSpec {
        title: "Rust Berlin".into(),
        username: Some("rust_berlin".into()),
        broadcast: false,
        creator: erin,
        members: vec![me, bob, erin, hans, dmitri],
        about: Some("Rustaceans in Berlin: meetups and questions".into()),
    });
    let rust = Peer::Channel(id);
    s.say(
        erin,
        rust,
        10 * DAY,
        "Welcome to Rust Berlin! Next meetup is on the 14th.",
    );
    s.say(
        hans,
        rust,
        10 * DAY - 2 * HOUR,
        "Hallo zusammen! Das nächste Treffen findet im Café Kollektiv statt.",
    );
    // A thread: two direct replies, and replies to those.
    s.say(
        bob,
        rust,
        9 * DAY,
        "Anyone using tokio with io_uring in production?",
    )
    .label("io_uring");
    s.say(
        me,
        rust,
        9 * DAY - HOUR,
        "We tried it for a file server; the meeting notes are in the wiki",
    )
    .label("file_server")
    .reply_to("io_uring");
    s.say(
        dmitri,
        rust,
        9 * DAY - 2 * HOUR,
        "Кто-нибудь пробовал tokio-uring с файлами больше 2 ГБ?",
    )
    .label("big_files")
    .reply_to("file_server");
    s.say(
        hans,
        rust,
        9 * DAY - 3 * HOUR,
        "Ja, funktioniert gut seit Version 0.5",
    )
    .reply_to("big_files");
    s.say(
        erin,
        rust,
        8 * DAY,
        "We use it for the build cache, happy so far",
    )
    .reply_to("io_uring");
    s.say(
        hans,
        rust,
        4 * DAY,
        "Gibt es Interesse an einem Workshop über Fehlerbehandlung?",
    );
    s.say(
        erin,
        rust,
        2 * DAY,
        "Talk proposals for the meetup are open until Friday",
    )
    .entities(vec![
        tl::types::MessageEntityBold {
            offset: 0,
            length: 14,
        }
        .into(),
    ]);
    s.say(
        bob,
        rust,
        7 * HOUR,
        "Slides from yesterday's talk on async traits are up",
    )
    .media(Media::Document {
        id: 90_002,
        file_name: "async-traits.pdf".into(),
        mime_type: "application/pdf".into(),
        size: 1_204_388,
    });
    s.say(
        hans,
        rust,
        5 * HOUR,
        "Die Folien über Größenoptimierung sind jetzt online.",
    );
}

fn channels(w: &mut World, s: &mut Script, c: &Cast) {
    let (me, erin) = (c.me, c.erin);
    let news = w.add_channel(ChannelSpec {
        title: "Sandbox News".into(),
        username: Some("sandbox_news".into()),
        broadcast: true,
        creator: erin,
        members: vec![me, erin],
        about: Some("Announcements from the sandbox".into()),
    });
    s.post(
        news,
        erin,
        12 * DAY,
        "Sandbox News #1: the sandbox DC speaks real MTProto 2.0",
    );
    s.post(
        news,
        erin,
        8 * DAY,
        "Sandbox News #2: search works on words and word prefixes",
    );
    s.post(
        news,
        erin,
        DAY + 3 * HOUR,
        "Sandbox News #3: try `tgmcp --sandbox search invoice`",
    );

    let digest = w.add_channel(ChannelSpec {
        title: "Tech Digest".into(),
        username: Some("tech_digest".into()),
        broadcast: true,
        creator: erin,
        members: vec![me, erin, c.bob],
        about: Some("A post every few hours about what shipped".into()),
    });
    for n in 0..TECH_DIGEST_POSTS {
        let ago = 30 * DAY - n * 4 * HOUR - 17 * MINUTE;
        s.post(
            digest,
            erin,
            ago,
            &format!("Tech Digest #{}: {}", n + 1, digest_headline(n as usize)),
        );
    }
    // Sent in the same second as a digest post, so search paging meets a tie.
    let tie = 30 * DAY - 100 * 4 * HOUR - 17 * MINUTE;
    s.say(
        c.bob,
        Peer::User(me),
        tie,
        "Did you read today's digest about networking?",
    );

    let notes = w.add_channel(ChannelSpec {
        title: "Alex's Notes".into(),
        username: None,
        broadcast: true,
        creator: me,
        members: vec![me],
        about: Some("Things worth remembering".into()),
    });
    s.post(
        notes,
        me,
        20 * DAY,
        "Reading list: the Rustonomicon, chapter 3",
    );

    // Public, but Alex has not joined it.
    let events = w.add_channel(ChannelSpec {
        title: "Berlin Events".into(),
        username: Some("berlin_events".into()),
        broadcast: true,
        creator: c.hans,
        members: vec![c.hans, erin],
        about: Some("Was ist los in Berlin".into()),
    });
    s.post(
        events,
        c.hans,
        6 * DAY,
        "Open-Air-Kino am Freitag im Volkspark",
    );
    s.post(
        events,
        c.hans,
        3 * DAY,
        "Rust meetup on the 14th at Café Kollektiv",
    );

    // Private, and Alex is not in it.
    let ops = w.add_channel(ChannelSpec {
        title: "Ops Private".into(),
        username: None,
        broadcast: false,
        creator: erin,
        members: vec![erin, c.bob],
        about: None,
    });
    s.say(
        erin,
        Peer::Channel(ops),
        2 * DAY,
        "Rotating the staging credentials tonight",
    );
}

/// Read marks: most chats read up to Alex's own last message (sending marks a chat read),
/// a few read further, the newest digest posts and news left unread.
fn leave_unread(w: &mut World, c: &Cast) {
    let me = c.me;
    w.read_history(me, Peer::User(c.lucia), 0);
    w.read_history(me, Peer::User(c.yuki), 0);
    if let Some(digest) = w.channel_by_username("tech_digest").map(|ch| ch.id) {
        w.read_history(
            me,
            Peer::Channel(digest),
            TECH_DIGEST_POSTS - TECH_DIGEST_UNREAD,
        );
    }
    if let Some(news) = w.channel_by_username("sandbox_news").map(|ch| ch.id) {
        w.read_history(me, Peer::Channel(news), 2);
    }
    // The others read what Alex sent them.
    for other in [c.bob, c.carol, c.dmitri, c.yuki] {
        w.read_history(other, Peer::User(me), 0);
    }
}

/// The chats added for inbox triage, after everything else so no earlier id moves.
struct InboxChats {
    forum: i64,
    deals: i64,
    old_project: i64,
}

/// A forum supergroup with topics (some unread, one mentioning Alex), a muted channel
/// and an archived group, all with unread messages.
fn inbox_chats(w: &mut World, s: &mut Script, c: &Cast) -> InboxChats {
    let forum = w.add_channel(ChannelSpec {
        title: "tgmcp dev".into(),
        username: Some("tgmcp_dev".into()),
        broadcast: false,
        creator: c.bob,
        members: vec![c.me, c.bob, c.carol, c.erin, c.lucia],
        about: Some("Building tgmcp: releases, bugs and ideas, one topic each".into()),
    });
    w.make_forum(forum);
    let opened = s.now - 12 * DAY;
    let releases = w.add_topic(forum, "Releases", c.bob, opened);
    let bugs = w.add_topic(forum, "Bugs", c.carol, opened);
    let ideas = w.add_topic(forum, "Ideas", c.lucia, opened);
    let f = Peer::Channel(forum);
    let in_topic = |from: i64, topic: i32, text: &str| MessageSpec::new(from, f, text).topic(topic);
    s.say(c.bob, f, 11 * DAY, "Welcome! Topics: Releases, Bugs, Ideas");
    s.add(
        in_topic(c.bob, releases, "v0.9 is out: inbox triage lands next"),
        10 * DAY,
    );
    s.add(
        in_topic(c.me, releases, "Great, I'll test the sandbox demo"),
        10 * DAY - HOUR,
    )
    .label("forum-alex");
    s.add(
        in_topic(c.carol, bugs, "Search misses words with hyphens"),
        9 * DAY,
    );
    s.add(
        in_topic(c.lucia, ideas, "A summary of unread chats every morning?"),
        8 * DAY,
    );
    // Unread from here on.
    s.add(
        in_topic(c.bob, releases, "@alex_demo can you cut v1.0 on Friday?"),
        2 * HOUR,
    );
    s.add(
        in_topic(c.lucia, releases, "Changelog draft is ready"),
        90 * MINUTE,
    )
    .reply_to("forum-alex");
    s.add(
        in_topic(c.carol, bugs, "Hyphen search fixed on main"),
        5 * HOUR,
    );
    s.say(c.erin, f, 6 * HOUR, "Standup moved to 10:30 tomorrow");

    let deals = w.add_channel(ChannelSpec {
        title: "Daily Deals".into(),
        username: Some("daily_deals_demo".into()),
        broadcast: true,
        creator: c.erin,
        members: vec![c.me, c.erin],
        about: Some("Muted in the demo: noisy, and rarely urgent".into()),
    });
    for (n, text) in [
        "50% off headphones",
        "Flash sale: standing desks",
        "Last chance: SSDs",
    ]
    .into_iter()
    .enumerate()
    {
        s.post(deals, c.erin, 7 * HOUR - n as i32 * HOUR, text);
    }

    let old_project = w.add_channel(ChannelSpec {
        title: "Old Project".into(),
        username: None,
        broadcast: false,
        creator: c.dave,
        members: vec![c.me, c.dave, c.carol],
        about: Some("Archived in the demo".into()),
    });
    let old = Peer::Channel(old_project);
    s.say(c.dave, old, 20 * DAY, "Handing the project over next month");
    s.say(
        c.carol,
        old,
        4 * DAY,
        "Anyone still have the old signing keys?",
    );
    InboxChats {
        forum,
        deals,
        old_project,
    }
}

/// Alex's chat-list settings: the forum read up to the first unread lines, the deals
/// channel muted, the old project archived, a "Work" folder; mentions Alex has already
/// scrolled past are no longer unread.
fn keep_inbox(w: &mut World, c: &Cast, chats: InboxChats) {
    let me = c.me;
    let forum = Peer::Channel(chats.forum);
    let read_to = w
        .messages
        .iter()
        .filter(|m| m.to == forum && m.date <= now() - 8 * DAY)
        .map(|m| m.id)
        .max()
        .unwrap_or(0);
    w.read_history(me, forum, read_to);
    w.mute(me, Peer::Channel(chats.deals), i32::MAX);
    w.archive(me, Peer::Channel(chats.old_project), true);
    let rust_berlin = w
        .channel_by_username("rust_berlin")
        .map(|ch| Peer::Channel(ch.id));
    w.add_folder(
        me,
        Folder {
            title: "Work".into(),
            emoticon: Some("💼".into()),
            include: [Some(forum), rust_berlin, Some(Peer::User(c.bob))]
                .into_iter()
                .flatten()
                .collect(),
            ..Folder::default()
        },
    );
    w.settle_mentions(me);
}

/// Reactions from others to what Alex wrote, not yet seen (unread reactions in Bob's
/// chat and in Rust Berlin). Reactions change no message id.
fn react(w: &mut World, c: &Cast) {
    for (text, from, emoji) in [
        ("Thursday 10:00 works for me", c.bob, "👍"),
        ("We tried it for a file server", c.hans, "👍"),
        ("We tried it for a file server", c.erin, "❤"),
    ] {
        let Some(index) = w
            .messages
            .iter()
            .position(|m| m.from == Some(c.me) && m.text.starts_with(text))
        else {
            continue;
        };
        w.messages[index].reactions.push((from, emoji.to_owned()));
        w.reactions_changed(index, from);
    }
}

/// A broadcast channel with a linked discussion group: the first post has comments (one
/// of them answered), the second none yet. Its ids are its own boxes', added in time order.
fn discussion(w: &mut World, c: &Cast) {
    let now = now();
    let channel = w.add_channel(ChannelSpec {
        title: "Release Notes".into(),
        username: Some("release_notes".into()),
        broadcast: true,
        creator: c.erin,
        members: vec![c.me, c.erin, c.bob, c.carol],
        about: Some("What shipped, with comments".into()),
    });
    let group = w.add_channel(ChannelSpec {
        title: "Release Notes Chat".into(),
        username: Some("release_notes_chat".into()),
        broadcast: false,
        creator: c.erin,
        members: vec![c.me, c.erin, c.bob, c.carol],
        about: Some("Comments on Release Notes".into()),
    });
    w.link_discussion(channel, group);
    let post = |text: &str, ago: i32| {
        MessageSpec::post(channel, text)
            .posted_by(c.erin)
            .at(now - ago)
    };
    let first = w.add_message(post("Release 2.0: comments on channel posts", 3 * DAY));
    let Some((_, copy)) = w.comments_of(channel, first) else {
        return;
    };
    let say = |from: i64, text: &str, ago: i32| {
        MessageSpec::new(from, Peer::Channel(group), text).at(now - ago)
    };
    let bob =
        w.add_message(say(c.bob, "Finally! Does it work from the CLI?", 2 * DAY).reply_to(copy));
    w.add_message(say(c.erin, "Yes: tgmcp send --reply-to", 2 * DAY - HOUR).reply_to(bob));
    w.add_message(say(c.carol, "Great release, thanks", DAY).reply_to(copy));
    w.add_message(post("Release 2.1: faster search", 5 * HOUR));
    // Read, so the chat list's unread chats stay the ones the other demo chats make.
    w.read_history(c.me, Peer::Channel(channel), 0);
    w.read_history(c.me, Peer::Channel(group), 0);
}

/// Alex's Notes, after everything else so no earlier id moves: the reading list pinned,
/// with the "pinned" service message, then two forwards (Bob's daily sync about the export
/// fix and the first Tech Digest post, with `fwd_from` as messages.forwardMessages writes
/// it). The channel has its own ids, which no other chat shares.
fn keep_notes(w: &mut World, c: &Cast) {
    let Some(notes) = w
        .channels
        .values()
        .find(|ch| ch.title == "Alex's Notes")
        .map(|ch| ch.id)
    else {
        return;
    };
    let find = |w: &World, text: &str| {
        w.messages
            .iter()
            .position(|m| m.action.is_none() && m.text.contains(text))
    };
    let at = now();
    if let Some(index) = find(w, "Reading list: the Rustonomicon") {
        w.messages[index].pinned = true;
        let pinned = w.messages[index].id;
        w.add_message(
            MessageSpec::post(notes, "")
                .posted_by(c.me)
                .service(Action::PinMessage)
                .reply_to(pinned)
                .at(at - 4 * DAY),
        );
    }
    for (text, ago) in [
        ("Exports were doing one query per row", 3 * DAY),
        ("Tech Digest #1:", 2 * DAY),
    ] {
        let Some(index) = find(w, text) else { continue };
        let original = w.messages[index].clone();
        let origin = Forwarded {
            from: Some(match original.from {
                Some(user) => Peer::User(user),
                None => original.to,
            }),
            date: original.date,
            channel_post: original.from.is_none().then_some(original.id),
        };
        let mut spec = MessageSpec::post(notes, &original.text)
            .posted_by(c.me)
            .forwarded(origin)
            .at(at - ago);
        spec.entities = original.entities;
        spec.media = original.media;
        w.add_message(spec);
    }
}

/// Old Project, after everything else so no earlier id moves: Dave pins the handover
/// and Carol forwards Erin's note on the build cache, both unread, so `get_unread`
/// (with archived chats) shows a pinned and a forwarded message.
fn old_project_news(w: &mut World, c: &Cast) {
    let Some(old) = w
        .channels
        .values()
        .find(|ch| ch.title == "Old Project")
        .map(|ch| Peer::Channel(ch.id))
    else {
        return;
    };
    let at = now();
    let find = |w: &World, text: &str| {
        w.messages
            .iter()
            .position(|m| m.action.is_none() && m.text.starts_with(text))
    };
    if let Some(index) = find(w, "Handing the project over") {
        w.messages[index].pinned = true;
        let pinned = w.messages[index].id;
        w.add_message(
            MessageSpec::new(c.dave, old, "")
                .service(Action::PinMessage)
                .reply_to(pinned)
                .at(at - 3 * DAY),
        );
    }
    if let Some(index) = find(w, "We use it for the build cache") {
        let original = w.messages[index].clone();
        let origin = Forwarded {
            from: original.from.map(Peer::User),
            date: original.date,
            channel_post: None,
        };
        w.add_message(
            MessageSpec::new(c.carol, old, &original.text)
                .forwarded(origin)
                .at(at - 2 * DAY),
        );
    }
}

"""Drives the tgmcp sandbox DC with Telethon, a client nobody on the project wrote.

Usage: smoke.py DC_ID HOST PORT AUTH_KEY_HEX SECOND_AUTH_KEY_HEX IDS_JSON
(the second key is logged in as Bob; IDS_JSON names Bob, a basic group and a channel).
Prints one JSON object with what each call answered; the Rust test (tests/it/telethon.rs)
checks it against the sandbox's world. Any warning Telethon logs (an answer it could not
decode, an unexpected constructor) is reported in "warnings".
"""

import asyncio
import base64
import ipaddress
import json
import logging
import struct
import sys

from telethon import TelegramClient, errors, events, functions, types
from telethon.sessions import StringSession

API_ID = 12345
API_HASH = "0123456789abcdef0123456789abcdef"


class Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.records = []

    def emit(self, record):
        self.records.append(f"{record.name}: {record.getMessage()}")


class CountService(logging.Handler):
    """Counts the server's containers and acks as Telethon's sender reports them."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.containers = 0
        self.acks = 0

    def emit(self, record):
        text = record.getMessage()
        if text == "Handling container":
            self.containers += 1
        elif text.startswith("Handling acknowledge for"):
            self.acks += 1


def string_session(dc_id, host, port, key):
    ip = ipaddress.ip_address(host).packed
    packed = struct.pack(f">B{len(ip)}sH256s", dc_id, ip, port, key)
    return "1" + base64.urlsafe_b64encode(packed).decode("ascii")


async def main():
    dc_id, host, port, key_hex, bob_key_hex, ids = sys.argv[1:7]
    ids = json.loads(ids)
    collect = Collect()
    logging.getLogger().addHandler(collect)
    service = CountService()
    telethon_log = logging.getLogger("telethon")
    telethon_log.setLevel(logging.DEBUG)
    telethon_log.addHandler(service)
    session = StringSession(string_session(int(dc_id), host, int(port), bytes.fromhex(key_hex)))
    client = TelegramClient(session, API_ID, API_HASH, receive_updates=False)
    bob_session = StringSession(
        string_session(int(dc_id), host, int(port), bytes.fromhex(bob_key_hex))
    )
    out = {}
    # Bob, logged in on a second connection, is pushed what Alex sends.
    pushed = asyncio.Queue()
    bob_client = TelegramClient(bob_session, API_ID, API_HASH)

    async def on_new(event):
        pushed.put_nowait(event.message.message)

    bob_client.add_event_handler(on_new, events.NewMessage(incoming=True))
    await bob_client.start()
    await bob_client.get_dialogs()
    async with client:
        await client.get_dialogs()
        by_id = [
            await client.get_entity(types.PeerUser(ids["user"])),
            await client.get_entity(types.PeerChat(ids["chat"])),
            await client.get_entity(types.PeerChannel(ids["channel"])),
        ]
        out["by_id"] = [e.id for e in by_id]
        out["global_search"] = [m.message for m in await client.get_messages(None, search="invoice", limit=10)]
        await client.send_message(ids["bob_username"], "pushed to Bob")
        out["pushed"] = await asyncio.wait_for(pushed.get(), 10)
        # Bob goes away; what he misses he gets through updates.getDifference on return.
        await bob_client.disconnect()
        await client.send_message(ids["bob_username"], "missed by Bob")
        bob_client = TelegramClient(bob_session, API_ID, API_HASH, catch_up=True)
        bob_client.add_event_handler(on_new, events.NewMessage(incoming=True))
        await bob_client.start()
        out["caught_up"] = await asyncio.wait_for(pushed.get(), 10)
        await bob_client.disconnect()
        # A file up and down again.
        data = b"sandbox file bytes\n" * 200
        up = await client.send_file(ids["bob_username"], data, file_name="notes.txt", force_document=True)
        down = await client.download_media(up, file=bytes)
        out["file_roundtrip"] = down == data
        out["file_debug"] = [len(data), len(down or b""), (down or b"")[:24].hex()]
        me = await client.get_me()
        out["me"] = {"id": me.id, "username": me.username}
        dialogs = await client.get_dialogs(limit=50)
        out["dialogs"] = [d.id for d in dialogs]
        bob = await client.get_entity("bob_builder")
        history = await client.get_messages(bob, limit=10)
        out["history"] = [m.id for m in history]
        found = await client.get_messages(bob, search="Thursday", limit=10)
        out["search"] = [m.message for m in found]
        sent = await client.send_message(bob, "hello from Telethon")
        out["sent_private"] = {"id": sent.id, "text": sent.message, "out": sent.out}
        reply = await client.send_message(bob, "a reply from Telethon", reply_to=history[0].id)
        # Telethon builds the reply from Telegram's short answer, which has no reply
        # header; read back, it has the one the server stored.
        stored = await client.get_messages(bob, ids=reply.id)
        out["reply"] = {"id": reply.id, "reply_to": stored.reply_to_msg_id}
        edited = await client.edit_message(bob, sent.id, "edited by Telethon")
        out["edited"] = {"id": edited.id, "text": edited.message}
        await client.delete_messages(bob, [reply.id])
        out["deleted"] = reply.id
        rust = await client.get_entity("rust_berlin")
        out["channel"] = {"id": rust.id, "title": rust.title, "megagroup": rust.megagroup}
        channel_msgs = await client.get_messages(rust, limit=5)
        out["channel_history"] = [m.id for m in channel_msgs]
        group_sent = await client.send_message(rust, "hello group from Telethon")
        out["sent_group"] = {"id": group_sent.id, "text": group_sent.message}
        # Who is in a supergroup; a broadcast channel's list is for its admins only.
        members = await client.get_participants(rust)
        out["participants"] = {"total": members.total, "ids": sorted(u.id for u in members)}
        admins = await client.get_participants(rust, filter=types.ChannelParticipantsAdmins())
        out["admins"] = [u.id for u in admins]
        try:
            await client.get_participants("sandbox_news")
            out["broadcast_participants"] = "listed"
        except errors.ChatAdminRequiredError:
            out["broadcast_participants"] = "CHAT_ADMIN_REQUIRED"
        try:
            await client(functions.channels.GetParticipantRequest(rust, ids["outsider"]))
            out["outsider"] = "found"
        except errors.UserNotParticipantError:
            out["outsider"] = "USER_NOT_PARTICIPANT"
        # Comments: a post's thread in the linked discussion group, and a comment on it
        # as Telethon sends one (getDiscussionMessage, then a reply to the group's copy).
        notes = await client.get_entity("release_notes")
        found = await client(functions.messages.GetDiscussionMessageRequest(notes, 1))
        top = found.messages[0]
        out["discussion"] = {
            "top_id": top.id,
            "top_peer": top.peer_id.channel_id,
            "from_channel": top.from_id.channel_id,
            "saved_from_msg_id": top.fwd_from.saved_from_msg_id,
            "channel_post": top.fwd_from.channel_post,
            "max_id": found.max_id,
            "chats": sorted(c.id for c in found.chats),
        }
        comment = await client.send_message(notes, "a comment from Telethon", comment_to=1)
        out["comment"] = {
            "id": comment.id,
            "chat": comment.peer_id.channel_id,
            "reply_to": comment.reply_to_msg_id,
        }
        post = await client.get_messages(notes, ids=1)
        out["post_replies"] = {
            "comments": post.replies.comments,
            "replies": post.replies.replies,
            "channel_id": post.replies.channel_id,
            "max_id": post.replies.max_id,
        }
        try:
            await client(functions.messages.GetDiscussionMessageRequest("sandbox_news", 1))
            out["no_comments"] = "found"
        except errors.MsgIdInvalidError:
            out["no_comments"] = "MSG_ID_INVALID"
    out["service"] = {"containers": service.containers, "acks": service.acks}
    out["warnings"] = collect.records
    print(json.dumps(out))


asyncio.run(main())

//! messages.saveDraft, played as Telegram plays it: `boolTrue`, the draft stored on the
//! dialog (`dialog.draft`), and `updateDraftMessage` pushed to the user's other sessions
//! (not a pts update). An empty message clears the draft (`draftMessageEmpty`).

use grammers_tl_types as tl;

use super::{Ctx, RpcErr};
use crate::sandbox::tlbuild;
use crate::sandbox::world::now;

/// Telegram's limit on a draft's text, as on a message's.
const MAX_LEN: usize = 4096;

pub(super) fn save_draft(
    ctx: &mut Ctx,
    req: tl::functions::messages::SaveDraft,
) -> Result<bool, RpcErr> {
    let me = ctx.me()?;
    let dialog = ctx.readable_peer(me, &req.peer)?;
    if req.message.encode_utf16().count() > MAX_LEN {
        return Err(RpcErr::bad("MESSAGE_TOO_LONG"));
    }
    let date = now();
    let draft: tl::enums::DraftMessage = if req.message.is_empty() && req.media.is_none() {
        ctx.world.drafts.remove(&(me, dialog));
        tl::types::DraftMessageEmpty { date: Some(date) }.into()
    } else {
        let draft: tl::enums::DraftMessage = tl::types::DraftMessage {
            no_webpage: req.no_webpage,
            invert_media: req.invert_media,
            reply_to: req.reply_to,
            message: req.message,
            entities: req.entities,
            media: req.media,
            date,
            effect: req.effect,
            suggested_post: req.suggested_post,
            rich_message: None,
        }
        .into();
        ctx.world.drafts.insert((me, dialog), draft.clone());
        draft
    };
    let update = tl::types::UpdateDraftMessage {
        peer: tlbuild::peer(dialog),
        top_msg_id: None,
        saved_peer_id: None,
        draft,
    };
    super::dialogs::push_one(ctx, me, dialog, update.into());
    Ok(true)
}

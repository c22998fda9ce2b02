//! Files: upload.saveFilePart and upload.saveBigFilePart store parts; an `InputFile`
//! naming them is checked for completeness when a send uses it; upload.getFile serves the
//! bytes back with Telegram's offset and limit rules.

use std::sync::Arc;

use grammers_tl_types as tl;

use super::{Ctx, RpcErr};
use crate::sandbox::tlbuild;
use crate::sandbox::world::{Media, Upload, now};

/// Largest part a client may send (Telegram's 512 KiB).
const MAX_PART: usize = 512 * 1024;
/// Most parts a file may have (4000 × 512 KiB = 2000 MIB, the non-premium limit).
const MAX_PARTS: i32 = 4000;
/// Files above this size must be uploaded with saveBigFilePart.
const BIG_FILE: usize = 10 * 1024 * 1024;
/// Telegram's photo limits: 10 MB, width + height at most 10000, sides at most 20:1.
const MAX_PHOTO_BYTES: usize = 10 * 1024 * 1024;
/// `upload.getFile` never answers more than 1 MIB, and a chunk never crosses a 1 MIB
/// boundary.
const MIB: i64 = 1024 * 1024;

pub(super) fn save_file_part(
    ctx: &mut Ctx,
    req: tl::functions::upload::SaveFilePart,
) -> Result<bool, RpcErr> {
    let me = ctx.me()?;
    check_part(req.file_part, &req.bytes)?;
    let upload = ctx.world.uploads.entry((me, req.file_id)).or_default();
    if upload.big_total.is_some() {
        return Err(RpcErr::bad("FILE_PART_INVALID"));
    }
    upload.parts.insert(req.file_part, req.bytes);
    Ok(true)
}

pub(super) fn save_big_file_part(
    ctx: &mut Ctx,
    req: tl::functions::upload::SaveBigFilePart,
) -> Result<bool, RpcErr> {
    let me = ctx.me()?;
    check_part(req.file_part, &req.bytes)?;
    if !(1..=MAX_PARTS).contains(&req.file_total_parts) || req.file_part >= req.file_total_parts {
        return Err(RpcErr::bad("FILE_PARTS_INVALID"));
    }
    let upload = ctx.world.uploads.entry((me, req.file_id)).or_default();
    match upload.big_total {
        Some(total) if total != req.file_total_parts => {
            return Err(RpcErr::bad("FILE_PARTS_INVALID"));
        }
        None if !upload.parts.is_empty() => return Err(RpcErr::bad("FILE_PART_INVALID")),
        _ => upload.big_total = Some(req.file_total_parts),
    }
    upload.parts.insert(req.file_part, req.bytes);
    Ok(true)
}

fn check_part(part: i32, bytes: &[u8]) -> Result<(), RpcErr> {
    if !(0..MAX_PARTS).contains(&part) {
        return Err(RpcErr::bad("FILE_PART_INVALID"));
    }
    if bytes.is_empty() {
        return Err(RpcErr::bad("FILE_PART_EMPTY"));
    }
    if bytes.len() > MAX_PART {
        return Err(RpcErr::bad("FILE_PART_TOO_BIG"));
    }
    Ok(())
}

/// The bytes an `InputFile` names, taken out of the upload store once they are checked:
/// every part present, all but the last the same size (a divisor of 512 KiB, a multiple
/// of 1 KiB), the MD5 right for a small file, and big files uploaded as big files.
pub(super) fn take_file(
    ctx: &mut Ctx,
    me: i64,
    file: &tl::enums::InputFile,
) -> Result<(String, Vec<u8>), RpcErr> {
    let (id, parts, name, md5, big) = match file {
        tl::enums::InputFile::File(f) => (f.id, f.parts, &f.name, Some(&f.md5_checksum), false),
        tl::enums::InputFile::Big(f) => (f.id, f.parts, &f.name, None, true),
        _ => return Err(RpcErr::bad("FILE_PARTS_INVALID")),
    };
    let invalid = || RpcErr::bad("FILE_PARTS_INVALID");
    let upload: &Upload = ctx.world.uploads.get(&(me, id)).ok_or_else(invalid)?;
    if parts < 1 || upload.parts.len() != parts as usize || upload.big_total.is_some() != big {
        return Err(invalid());
    }
    if big && upload.big_total != Some(parts) {
        return Err(invalid());
    }
    if !(0..parts).all(|p| upload.parts.contains_key(&p)) {
        return Err(invalid());
    }
    let size = upload.parts[&0].len();
    let last = parts - 1;
    let uniform = upload
        .parts
        .iter()
        .all(|(&p, bytes)| (p == last && bytes.len() <= size) || bytes.len() == size);
    if !uniform || (parts > 1 && (!size.is_multiple_of(1024) || !MAX_PART.is_multiple_of(size))) {
        return Err(RpcErr::bad("FILE_PART_SIZE_INVALID"));
    }
    let total: usize = upload.parts.values().map(Vec::len).sum();
    if !big && total > BIG_FILE {
        return Err(RpcErr::bad("FILE_PART_SIZE_INVALID"));
    }
    let upload = ctx.world.uploads.remove(&(me, id)).expect("checked above");
    let mut bytes = Vec::with_capacity(total);
    for part in upload.parts.into_values() {
        bytes.extend_from_slice(&part);
    }
    if let Some(md5) = md5
        && !md5.is_empty()
        && format!("{:x}", md5::compute(&bytes)) != *md5
    {
        return Err(RpcErr::bad("MD5_CHECKSUM_INVALID"));
    }
    Ok((name.clone(), bytes))
}

/// The photo or document an `InputMedia` describes, stored in the world (its bytes in
/// [`crate::sandbox::World::files`]). Already-uploaded media (`inputMediaPhoto`,
/// `inputMediaDocument`) must name media this sandbox handed out.
pub(super) fn media(
    ctx: &mut Ctx,
    me: i64,
    input: &tl::enums::InputMedia,
) -> Result<Media, RpcErr> {
    use tl::enums::InputMedia as In;
    match input {
        In::Empty => Err(RpcErr::bad("MEDIA_EMPTY")),
        In::UploadedPhoto(p) => {
            let (name, bytes) = take_file(ctx, me, &p.file)?;
            let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
            if !matches!(ext.as_deref(), Some("jpg" | "jpeg" | "png")) {
                return Err(RpcErr::bad("PHOTO_EXT_INVALID"));
            }
            if bytes.len() > MAX_PHOTO_BYTES {
                return Err(RpcErr::bad("PHOTO_SAVE_FILE_INVALID"));
            }
            let (width, height) = crate::telegram::files::image_size(&bytes)
                .ok_or_else(|| RpcErr::bad("IMAGE_PROCESS_FAILED"))?;
            let (w, h) = (i64::from(width), i64::from(height));
            if w + h > 10_000 || w.max(h) > 20 * w.min(h) || w == 0 || h == 0 {
                return Err(RpcErr::bad("PHOTO_INVALID_DIMENSIONS"));
            }
            let id = ctx.world.new_media_id();
            let size = bytes.len() as i64;
            ctx.world.files.insert(id, Arc::new(bytes));
            Ok(Media::UploadedPhoto {
                id,
                width: width as i32,
                height: height as i32,
                size,
            })
        }
        In::UploadedDocument(d) => {
            if d.mime_type.is_empty() || !d.mime_type.contains('/') {
                return Err(RpcErr::bad("MIME_INVALID"));
            }
            let (name, bytes) = take_file(ctx, me, &d.file)?;
            let file_name = d
                .attributes
                .iter()
                .find_map(|a| match a {
                    tl::enums::DocumentAttribute::Filename(f) => Some(f.file_name.clone()),
                    _ => None,
                })
                .unwrap_or(name);
            let id = ctx.world.new_media_id();
            let size = bytes.len() as i64;
            ctx.world.files.insert(id, Arc::new(bytes));
            Ok(Media::Document {
                id,
                file_name,
                mime_type: d.mime_type.clone(),
                size,
            })
        }
        In::Photo(p) => match &p.id {
            tl::enums::InputPhoto::Photo(photo) => {
                loose(ctx, photo.id, photo.access_hash).ok_or_else(|| RpcErr::bad("PHOTO_INVALID"))
            }
            tl::enums::InputPhoto::Empty => Err(RpcErr::bad("MEDIA_EMPTY")),
        },
        In::Document(d) => match &d.id {
            tl::enums::InputDocument::Document(doc) => {
                loose(ctx, doc.id, doc.access_hash).ok_or_else(|| RpcErr::bad("MEDIA_INVALID"))
            }
            tl::enums::InputDocument::Empty => Err(RpcErr::bad("MEDIA_EMPTY")),
        },
        _ => Err(RpcErr::bad("MEDIA_TYPE_NOT_SUPPORTED_BY_SANDBOX")),
    }
}

/// Media `messages.uploadMedia` handed out, checked by its access hash.
fn loose(ctx: &Ctx, id: i64, access_hash: i64) -> Option<Media> {
    (access_hash == tlbuild::file_access_hash(id))
        .then(|| ctx.world.loose_media.get(&id).cloned())
        .flatten()
}

pub(super) fn upload_media(
    ctx: &mut Ctx,
    req: tl::functions::messages::UploadMedia,
) -> Result<tl::enums::MessageMedia, RpcErr> {
    let me = ctx.me()?;
    ctx.peer(me, &req.peer)?;
    let media = media(ctx, me, &req.media)?;
    let answer = tlbuild::message_media(&media, now());
    ctx.world.loose_media.insert(media.id(), media);
    Ok(answer)
}

pub(super) fn get_file(
    ctx: &mut Ctx,
    req: tl::functions::upload::GetFile,
) -> Result<tl::enums::upload::File, RpcErr> {
    ctx.me()?;
    let (id, access_hash) = match &req.location {
        tl::enums::InputFileLocation::InputDocumentFileLocation(l) => (l.id, l.access_hash),
        tl::enums::InputFileLocation::InputPhotoFileLocation(l) => (l.id, l.access_hash),
        _ => return Err(RpcErr::bad("LOCATION_INVALID")),
    };
    if access_hash != tlbuild::file_access_hash(id) {
        return Err(RpcErr::bad("FILE_ID_INVALID"));
    }
    // Stored on another DC: the client must ask there (after copying its login over).
    ctx.file_here(id)?;
    let (offset, limit) = (req.offset, i64::from(req.limit));
    let unit = if req.precise { 1024 } else { 4096 };
    if limit <= 0 || limit > MIB || limit % unit != 0 || (!req.precise && MIB % limit != 0) {
        return Err(RpcErr::bad("LIMIT_INVALID"));
    }
    if offset < 0 || offset % unit != 0 || offset / MIB != (offset + limit - 1) / MIB {
        return Err(RpcErr::bad("OFFSET_INVALID"));
    }
    let range = offset as usize..(offset + limit) as usize;
    let bytes = match ctx.world.files.get(&id) {
        Some(bytes) => bytes
            .get(range.start.min(bytes.len())..range.end.min(bytes.len()))
            .unwrap_or_default()
            .to_vec(),
        // The demo world's photos and files have no content of their own.
        None => ctx
            .world
            .stand_in_file(id, range)
            .ok_or_else(|| RpcErr::bad("FILE_ID_INVALID"))?,
    };
    Ok(tl::types::upload::File {
        r#type: tl::enums::storage::FileType::FilePartial,
        mtime: now(),
        bytes,
    }
    .into())
}

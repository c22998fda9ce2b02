//! Telegram's answer to any method, as bytes from the network: decoding it to JSON
//! (what `invoke` prints) answers or refuses, and never panics or overflows the stack.
#![no_main]

use tgmcp::tl::Schema;
use tgmcp::tl::decode::{decode, decode_call};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((pick, bytes)) = data.split_first_chunk::<2>() else {
        return;
    };
    let schema = Schema::get();
    let methods = schema.functions();
    let def = &methods[usize::from(u16::from_le_bytes(*pick)) % methods.len()];
    let _ = decode(schema, &def.ty, bytes);
    let _ = decode_call(schema, def, bytes);
});

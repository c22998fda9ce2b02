//! Any JSON as the parameters of any method: encoding it to TL (what `invoke` sends)
//! answers with bytes or an error naming the path, and never panics.
#![no_main]

use tgmcp::tl::encode::encode_call;
use tgmcp::tl::{NoResolve, Schema};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((pick, json)) = data.split_first_chunk::<2>() else {
        return;
    };
    let Ok(params) = serde_json::from_slice::<serde_json::Value>(json) else {
        return;
    };
    let schema = Schema::get();
    let methods = schema.functions();
    let def = &methods[usize::from(u16::from_le_bytes(*pick)) % methods.len()];
    let _ = encode_call(schema, def, &params, &mut NoResolve);
});

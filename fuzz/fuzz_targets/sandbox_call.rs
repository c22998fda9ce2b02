//! One API request, as a client sends it inside an encrypted message, executed by the
//! sandbox against the demo world. Must never panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = tgmcp::sandbox::fuzzing::api_call(data);
});

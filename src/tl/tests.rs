//! The codec against grammers-tl-types: for every method and every boxed type of the
//! layer, a value generated from the schema (pseudo-random, reproducible) is encoded by
//! our encoder, read and written back by grammers' generated types, and must come out
//! byte for byte the same; our decoder must give back the JSON we started from. Plus
//! proptest: more seeds, and arbitrary JSON or bytes that must never panic.

use base64::Engine as _;
use grammers_tl_types::{Deserializable, Serializable};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

use super::conformance::{function_round_trip, type_round_trip};
use super::decode::{decode, decode_call, long_json};
use super::encode::{NoResolve, PeerSlot, Resolver, encode_call, encode_value};
use super::schema::{Def, Kind, Schema, Ty};

/// Reads `bytes` as `T` with grammers and serializes it again.
pub fn through<T: Deserializable + Serializable>(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let mut cursor = grammers_tl_types::Cursor::from_slice(bytes);
    let value = T::deserialize(&mut cursor).map_err(|e| format!("grammers cannot read it: {e}"))?;
    if cursor.pos() != bytes.len() {
        return Err(format!(
            "grammers read {} of {} bytes",
            cursor.pos(),
            bytes.len()
        ));
    }
    Ok(value.to_bytes())
}

/// Reads a call with grammers (its generated functions read the parameters after the
/// constructor id, as a server does) and serializes it again, id included.
pub fn through_call<T: Deserializable + Serializable>(bytes: &[u8]) -> Result<Vec<u8>, String> {
    through::<T>(bytes.get(4..).ok_or("shorter than a constructor id")?)
}

/// xorshift64*: small, fast and reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn coin(&mut self) -> bool {
        self.next() & 1 == 1
    }
}

const MAX_DEPTH: usize = 10;

/// A JSON value of type `ty` in the canonical form our decoder produces.
fn generate(schema: &Schema, ty: &Ty, rng: &mut Rng, depth: usize) -> Option<Value> {
    if depth > MAX_DEPTH + 6 {
        return None;
    }
    let deep = depth > MAX_DEPTH;
    Some(match ty {
        Ty::Int => json!(rng.next() as i32),
        Ty::Long => match rng.below(3) {
            0 => long_json(rng.below(10_000) as i64),
            _ => long_json(rng.next() as i64),
        },
        Ty::Double => json!(f64::from(rng.next() as i32) / 4.0),
        Ty::String => match rng.below(3) {
            0 => json!(""),
            1 => json!(format!("text {} héllo ✓", rng.below(1000))),
            _ => json!("x".repeat(rng.below(300) as usize)),
        },
        Ty::Bytes => {
            let len = [0, 3, 253, 254, 300][rng.below(5) as usize];
            let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
            json!(base64::engine::general_purpose::STANDARD.encode(bytes))
        }
        Ty::Int128 => {
            let raw: [u8; 16] = std::array::from_fn(|_| rng.next() as u8);
            json!(i128::from_le_bytes(raw).to_string())
        }
        Ty::Int256 => {
            let raw: Vec<u8> = (0..32).map(|_| rng.next() as u8).collect();
            json!(num_bigint::BigInt::from_signed_bytes_le(&raw).to_string())
        }
        Ty::Bool => json!(rng.coin()),
        Ty::True => json!(true),
        Ty::Vector(item) | Ty::BareVector(item) => {
            let len = if deep { 0 } else { rng.below(3) };
            let mut items = Vec::new();
            for _ in 0..len {
                items.push(generate(schema, item, rng, depth + 1)?);
            }
            Value::Array(items)
        }
        Ty::Boxed(name) => {
            let mut candidates: Vec<&Def> = schema.constructors_of(name).collect();
            if candidates.is_empty() {
                return None;
            }
            let def = if deep {
                candidates.sort_by_key(|d| d.params.len());
                candidates[0]
            } else {
                candidates[rng.below(candidates.len() as u64) as usize]
            };
            generate_object(schema, def, rng, depth, true)?
        }
        Ty::Bare(name) => generate_object(schema, schema.constructor(name)?, rng, depth, false)?,
        Ty::Generic => return None,
    })
}

fn generate_object(
    schema: &Schema,
    def: &Def,
    rng: &mut Rng,
    depth: usize,
    named: bool,
) -> Option<Value> {
    let mut fields = Map::new();
    if named {
        fields.insert("_".into(), json!(def.name));
    }
    // One decision per flag bit: fields sharing a bit come and go together.
    let mut bits = std::collections::HashMap::new();
    for param in &def.params {
        let Kind::Value { ty, flag } = &param.kind else {
            continue;
        };
        if let Some(key) = flag {
            let set = *bits
                .entry(*key)
                .or_insert_with(|| depth <= MAX_DEPTH && rng.coin());
            if !set {
                continue;
            }
        }
        fields.insert(param.name.clone(), generate(schema, ty, rng, depth + 1)?);
    }
    Some(Value::Object(fields))
}

/// Encodes a generated value, passes it through grammers, and decodes it back.
fn check_type(schema: &Schema, ty: &str, seed: u64) -> Result<bool, String> {
    let mut rng = Rng(seed | 1);
    let boxed = Ty::Boxed(ty.to_owned());
    let Some(value) = generate(schema, &boxed, &mut rng, 0) else {
        return Ok(false);
    };
    let ours = encode_value(schema, &boxed, &value, &mut NoResolve)
        .map_err(|e| format!("{ty}: we cannot encode {value}: {e}"))?;
    let Some(theirs) = type_round_trip(ty, &ours) else {
        return Ok(false);
    };
    let theirs = theirs.map_err(|e| format!("{ty}: {e}\n{value}"))?;
    if theirs != ours {
        return Err(format!("{ty}: grammers writes other bytes for {value}"));
    }
    let (back, _) = decode(schema, &boxed, &ours).map_err(|e| format!("{ty}: {e}"))?;
    if back != value {
        return Err(format!("{ty}: decoded {back}\nexpected {value}"));
    }
    Ok(true)
}

fn check_function(schema: &Schema, def: &Def, seed: u64) -> Result<bool, String> {
    let mut rng = Rng(seed | 1);
    let Some(mut params) = generate_object(schema, def, &mut rng, 0, false) else {
        return Ok(false);
    };
    let ours = encode_call(schema, def, &params, &mut NoResolve)
        .map_err(|e| format!("{}: we cannot encode {params}: {e}", def.name))?;
    let Some(theirs) = function_round_trip(&def.name, &ours) else {
        return Ok(false);
    };
    let theirs = theirs.map_err(|e| format!("{}: {e}\n{params}", def.name))?;
    if theirs != ours {
        return Err(format!(
            "{}: grammers writes other bytes for {params}",
            def.name
        ));
    }
    let back = decode_call(schema, def, &ours).map_err(|e| format!("{}: {e}", def.name))?;
    params
        .as_object_mut()
        .unwrap()
        .insert("_".into(), json!(def.name));
    let mut expected = Map::new();
    // Same key order as the decoder's map.
    for (k, v) in params.as_object().unwrap() {
        expected.insert(k.clone(), v.clone());
    }
    if back != Value::Object(expected) {
        return Err(format!("{}: decoded {back}\nexpected {params}", def.name));
    }
    Ok(true)
}

fn all_types(schema: &Schema) -> Vec<String> {
    let mut types: Vec<String> = schema
        .constructors()
        .iter()
        .filter_map(|d| match &d.ty {
            Ty::Boxed(name) => Some(name.clone()),
            _ => None,
        })
        .collect();
    types.sort();
    types.dedup();
    types
}

#[test]
fn every_type_and_method_encodes_as_grammers_does() {
    let schema = Schema::get();
    let mut failures = Vec::new();
    let (mut types, mut methods) = (0, 0);
    for seed in 1..=3u64 {
        for ty in all_types(schema) {
            match check_type(schema, &ty, seed * 7919 + ty.len() as u64) {
                Ok(true) => types += 1,
                Ok(false) => {}
                Err(e) => failures.push(e),
            }
        }
        for def in schema.functions() {
            if def.is_generic() {
                continue;
            }
            match check_function(schema, def, seed * 104_729 + def.id as u64) {
                Ok(true) => methods += 1,
                Ok(false) => {}
                Err(e) => failures.push(e),
            }
        }
    }
    eprintln!("checked {types} type values and {methods} method calls against grammers");
    assert!(
        failures.is_empty(),
        "{} mismatches, e.g.:\n{}",
        failures.len(),
        failures
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n\n")
    );
    // Every boxed type and every method is covered (values that nest too deeply to
    // generate are skipped, and counted here).
    assert!(types > 3 * 600, "{types}");
    assert!(methods > 3 * 800, "{methods}");
}

/// Answers every chat reference with `inputPeerSelf` & co., as a resolver would.
struct SelfResolver;

impl Resolver for SelfResolver {
    fn peer(&mut self, text: &str, slot: PeerSlot) -> Result<Vec<u8>, String> {
        if text.is_empty() {
            return Err("empty".into());
        }
        Ok(match slot {
            PeerSlot::InputPeer => grammers_tl_types::enums::InputPeer::PeerSelf.to_bytes(),
            PeerSlot::InputUser => grammers_tl_types::enums::InputUser::UserSelf.to_bytes(),
            PeerSlot::InputChannel => grammers_tl_types::enums::InputChannel::Empty.to_bytes(),
        })
    }
}

#[test]
fn chat_references_become_input_peers_anywhere() {
    let schema = Schema::get();
    let def = schema.method("messages.forwardMessages").unwrap();
    let params = json!({"from_peer": "@a_channel", "to_peer": "me", "id": [1],
                        "random_id": [2], "top_msg_id": 3});
    let bytes = encode_call(schema, def, &params, &mut SelfResolver).unwrap();
    let back = decode_call(schema, def, &bytes).unwrap();
    assert_eq!(back["from_peer"], json!({"_": "inputPeerSelf"}));
    assert_eq!(back["to_peer"], json!({"_": "inputPeerSelf"}));
    let def = schema.method("channels.inviteToChannel").unwrap();
    let bytes = encode_call(
        schema,
        def,
        &json!({"channel": "@c", "users": ["@u", 7000000001_i64]}),
        &mut SelfResolver,
    )
    .unwrap();
    let back = decode_call(schema, def, &bytes).unwrap();
    assert_eq!(
        back["users"],
        json!([{"_": "inputUserSelf"}, {"_": "inputUserSelf"}])
    );
    // An InputPeer inside an InputDialogPeer, given as a chat or as an object.
    let def = schema.method("messages.getPeerDialogs").unwrap();
    let bytes = encode_call(
        schema,
        def,
        &json!({"peers": ["@x", {"_": "inputDialogPeer", "peer": "me"}]}),
        &mut SelfResolver,
    )
    .unwrap();
    let back = decode_call(schema, def, &bytes).unwrap();
    let wrapped = json!({"_": "inputDialogPeer", "peer": {"_": "inputPeerSelf"}});
    assert_eq!(back["peers"], json!([wrapped, wrapped]));
}

#[test]
fn errors_name_the_path() {
    let schema = Schema::get();
    let encode = |method: &str, params: Value| {
        encode_call(
            schema,
            schema.method(method).unwrap(),
            &params,
            &mut NoResolve,
        )
        .unwrap_err()
    };
    assert_eq!(
        encode(
            "messages.getHistory",
            json!({"peer": {"_": "inputPeerChannel", "channel_id": "abc", "access_hash": 1}})
        ),
        r#"params.peer.channel_id: expected long (64-bit integer, as a number or a string), got "abc""#
    );
    assert!(
        encode(
            "messages.sendMessage",
            json!({"peer": {"_": "inputPeerSelf"}})
        )
        .starts_with("params.message: missing")
    );
    assert!(
        encode(
            "phone.joinGroupCall",
            json!({"call": {"_": "inputGroupCall", "id": 1, "access_hash": 2},
                   "join_as": {"_": "inputPeerSelf"}, "params": {"_": "dataJSON", "data": "{}"},
                   "public_key": "5"})
        )
        .contains("params.block: missing — it is required together with public_key")
    );
    assert!(
        encode(
            "messages.sendMessage",
            json!({"peer": {"_": "inputPeerUsr"}})
        )
        .contains("did you mean inputPeerUser")
    );
    assert!(encode("users.getUsers", json!({"id": [1, "x"]})).starts_with("params.id[0]:"));
    assert!(encode("users.getUsers", json!([])).starts_with("params: expected an object"));
}

#[test]
fn missing_none_values_are_filled_as_telegram_reads_them() {
    use grammers_tl_types::{enums, functions};
    let schema = Schema::get();
    let encode = |method: &str, params: Value| {
        encode_call(
            schema,
            schema.method(method).unwrap(),
            &params,
            &mut SelfResolver,
        )
    };
    // A reader's offsets, bounds and hash are 0: the same bytes as grammers' call with 0s.
    let ours = encode("messages.getHistory", json!({"peer": "me", "limit": 5})).unwrap();
    let theirs = functions::messages::GetHistory {
        peer: enums::InputPeer::PeerSelf,
        offset_id: 0,
        offset_date: 0,
        add_offset: 0,
        limit: 5,
        max_id: 0,
        min_id: 0,
        hash: 0,
    }
    .to_bytes();
    assert_eq!(ours, theirs);
    // offset_peer and filter get Telegram's "empty" constructors.
    let ours = encode("messages.getDialogs", json!({"limit": 20})).unwrap();
    let theirs = functions::messages::GetDialogs {
        exclude_pinned: false,
        folder_id: None,
        offset_date: 0,
        offset_id: 0,
        offset_peer: enums::InputPeer::Empty,
        limit: 20,
        hash: 0,
    }
    .to_bytes();
    assert_eq!(ours, theirs);
    let back = decode_call(
        schema,
        schema.method("messages.search").unwrap(),
        &encode(
            "messages.search",
            json!({"peer": "me", "q": "x", "limit": 1}),
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(back["filter"], json!({"_": "inputMessagesFilterEmpty"}));
    // random_id: fresh for every call, and one per id in a vector.
    let def = schema.method("messages.sendMessage").unwrap();
    let random = |params: Value| {
        let bytes = encode_call(schema, def, &params, &mut SelfResolver).unwrap();
        decode_call(schema, def, &bytes).unwrap()["random_id"].clone()
    };
    let params = json!({"peer": "me", "message": "hi"});
    assert_ne!(random(params.clone()), random(params));
    let def = schema.method("messages.forwardMessages").unwrap();
    let params = json!({"from_peer": "me", "to_peer": "me", "id": [1, 2, 3]});
    let bytes = encode_call(schema, def, &params, &mut SelfResolver).unwrap();
    let ids = decode_call(schema, def, &bytes).unwrap()["random_id"].clone();
    assert_eq!(ids.as_array().unwrap().len(), 3, "{ids}");
    // A writer gets no made-up zeros; a vector's random ids need the vector.
    let error = encode("messages.readHistory", json!({"peer": "me"})).unwrap_err();
    assert!(error.starts_with("params.max_id: missing"), "{error}");
    let error = encode(
        "messages.forwardMessages",
        json!({"from_peer": "me", "to_peer": "me"}),
    )
    .unwrap_err();
    assert!(error.starts_with("params.id: missing"), "{error}");
}

#[test]
fn bytes_large_integers_and_constructor_spellings() {
    let schema = Schema::get();
    let ty = Ty::Boxed("InputPeer".into());
    for spelling in [
        "inputPeerUser",
        "InputPeerUser",
        "types.InputPeerUser",
        "INPUTPEERUSER",
    ] {
        let value = json!({"_": spelling, "user_id": "9007199254740993", "access_hash": -5});
        let bytes = encode_value(schema, &ty, &value, &mut NoResolve).unwrap();
        let (back, _) = decode(schema, &ty, &bytes).unwrap();
        assert_eq!(
            back,
            json!({"_": "inputPeerUser", "user_id": "9007199254740993", "access_hash": -5})
        );
    }
    // Text where bytes go, or base64, or either said explicitly.
    let ty = Ty::Bytes;
    let bytes = encode_value(schema, &ty, &json!({"text": "AAEC"}), &mut NoResolve).unwrap();
    assert_eq!(Vec::<u8>::from_bytes(&bytes).unwrap(), b"AAEC");
    let bytes = encode_value(schema, &ty, &json!("AAEC"), &mut NoResolve).unwrap();
    assert_eq!(Vec::<u8>::from_bytes(&bytes).unwrap(), [0, 1, 2]);
    let bytes = encode_value(schema, &ty, &json!("hello"), &mut NoResolve).unwrap();
    assert_eq!(Vec::<u8>::from_bytes(&bytes).unwrap(), b"hello");
}

fn arbitrary_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<u64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|n| json!(n)),
        "[a-zA-Z_@.0-9 -]{0,20}".prop_map(Value::String),
        prop_oneof![
            Just("me"),
            Just("inputPeerSelf"),
            Just("inputPeerUser"),
            Just("AAEC"),
            Just("-1001234567890")
        ]
        .prop_map(|s| json!(s)),
    ];
    leaf.prop_recursive(6, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("_".to_owned()),
                    Just("peer".to_owned()),
                    Just("id".to_owned()),
                    Just("limit".to_owned()),
                    Just("message".to_owned()),
                    "[a-z_]{1,12}"
                ],
                inner,
                0..6
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// More generated values, by seed: still byte for byte what grammers writes.
    #[test]
    fn generated_values_match_grammers(seed in any::<u64>(), pick in any::<usize>()) {
        let schema = Schema::get();
        let types = all_types(schema);
        check_type(schema, &types[pick % types.len()], seed).map_err(TestCaseError::fail)?;
        let def = &schema.functions()[pick % schema.functions().len()];
        if !def.is_generic() {
            check_function(schema, def, seed).map_err(TestCaseError::fail)?;
        }
    }

    /// Whatever JSON arrives, encoding answers (Ok or a message), never panics.
    #[test]
    fn any_json_never_panics(params in arbitrary_json(), pick in any::<usize>()) {
        let schema = Schema::get();
        let def = &schema.functions()[pick % schema.functions().len()];
        let _ = encode_call(schema, def, &params, &mut NoResolve);
        let _ = encode_call(schema, def, &params, &mut SelfResolver);
        let wrapped = json!({"peer": params.clone(), "id": [params.clone()], "random_id": 1});
        let _ = encode_call(schema, def, &wrapped, &mut SelfResolver);
    }

    /// Valid encodings of generated values, mutated (bytes flipped, cut short, grown):
    /// decoding answers, never panics. Random bytes rarely get past a constructor id;
    /// these reach deep into vectors, flags and nested objects.
    #[test]
    fn mutated_valid_encodings_never_panic(
        seed in any::<u64>(),
        pick in any::<usize>(),
        edits in prop::collection::vec((any::<usize>(), any::<u8>(), 0u8..3), 1..6),
    ) {
        let schema = Schema::get();
        let types = all_types(schema);
        let boxed = Ty::Boxed(types[pick % types.len()].clone());
        let mut rng = Rng(seed | 1);
        if let Some(value) = generate(schema, &boxed, &mut rng, 0) {
            let mut bytes = encode_value(schema, &boxed, &value, &mut NoResolve)
                .map_err(|e| TestCaseError::fail(format!("{boxed:?}: {e}")))?;
            // The seed itself is valid.
            prop_assert!(decode(schema, &boxed, &bytes).is_ok(), "{boxed:?}: {value}");
            for (at, byte, how) in edits {
                let at = at % (bytes.len() + 1);
                match how {
                    0 if at < bytes.len() => bytes[at] ^= byte | 1,
                    1 => bytes.truncate(at),
                    _ => bytes.insert(at, byte),
                }
            }
            let _ = decode(schema, &boxed, &bytes);
        }
    }

    /// Whatever bytes come back, decoding answers, never panics.
    #[test]
    fn any_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..256), pick in any::<usize>()) {
        let schema = Schema::get();
        let def = &schema.functions()[pick % schema.functions().len()];
        let _ = decode(schema, &def.ty, &bytes);
        let _ = decode_call(schema, def, &bytes);
    }
}

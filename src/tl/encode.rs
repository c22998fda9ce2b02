//! JSON → TL bytes, driven by the schema. Every error names the path of the value at
//! fault (`params.peer.channel_id: expected long, got "abc"`); nothing panics, whatever
//! the input.

use base64::Engine as _;
use grammers_tl_types::Serializable;
use serde_json::{Map, Value};

use super::schema::{Def, Kind, Schema, Ty};

/// The boxed `Vector` constructor.
pub const VECTOR_ID: u32 = 0x1cb5c415;
pub const BOOL_TRUE_ID: u32 = 0x997275b5;
pub const BOOL_FALSE_ID: u32 = 0xbc799737;

/// Nesting deeper than this is refused (serde_json stops at 128 already).
const MAX_DEPTH: usize = 64;

/// The input types a chat reference (`@username`, `me`, an id) may stand for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PeerSlot {
    InputPeer,
    InputUser,
    InputChannel,
}

impl PeerSlot {
    fn of(ty: &str) -> Option<Self> {
        match ty {
            "InputPeer" => Some(Self::InputPeer),
            "InputUser" => Some(Self::InputUser),
            "InputChannel" => Some(Self::InputChannel),
            _ => None,
        }
    }
}

/// Turns a chat reference found at `path` into the serialized boxed input type of `slot`.
/// `Err` is the message (the path is added by the encoder).
pub trait Resolver {
    fn peer(&mut self, text: &str, slot: PeerSlot) -> Result<Vec<u8>, String>;
}

/// A resolver for when resolution is off: chat references are an error.
pub struct NoResolve;

impl Resolver for NoResolve {
    fn peer(&mut self, text: &str, slot: PeerSlot) -> Result<Vec<u8>, String> {
        Err(format!(
            "{text:?} is a chat reference, but resolution is off — give a {slot:?} object (e.g. {{\"_\": \"{}\", …}}) or turn resolution on",
            match slot {
                PeerSlot::InputPeer => "inputPeerUser",
                PeerSlot::InputUser => "inputUser",
                PeerSlot::InputChannel => "inputChannel",
            }
        ))
    }
}

/// The body of a call to `method` with `params` (a JSON object).
pub fn encode_call(
    schema: &Schema,
    method: &Def,
    params: &Value,
    resolver: &mut dyn Resolver,
) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let empty = Map::new();
    let fields = match params {
        Value::Object(fields) => fields,
        Value::Null => &empty,
        other => {
            return Err(format!(
                "params: expected an object of {}'s parameters, got {}",
                method.name,
                describe(other)
            ));
        }
    };
    method.id.serialize(&mut out);
    let reader = super::policy::is_read_only(&method.name);
    let mut encoder = Encoder {
        schema,
        resolver,
        reader,
    };
    encoder.fields(method, fields, "params", &mut out, 0)?;
    Ok(out)
}

/// Encodes one value of type `ty` (used by the codec tests for constructors).
pub fn encode_value(
    schema: &Schema,
    ty: &Ty,
    value: &Value,
    resolver: &mut dyn Resolver,
) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    Encoder {
        schema,
        resolver,
        reader: false,
    }
    .value(ty, value, "value", &mut out, 0)?;
    Ok(out)
}

struct Encoder<'a> {
    schema: &'a Schema,
    resolver: &'a mut dyn Resolver,
    /// The call only reads, so its missing offsets and hashes may default to 0
    /// ([`defaults`](super::defaults)).
    reader: bool,
}

/// A JSON value in an error message: its kind, and its text when short.
fn describe(value: &Value) -> String {
    let text = value.to_string();
    let kind = match value {
        Value::Null => return "null".into(),
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    };
    if text.chars().count() <= 40 {
        text
    } else {
        kind.into()
    }
}

fn expected(path: &str, what: &str, got: &Value) -> String {
    format!("{path}: expected {what}, got {}", describe(got))
}

impl Encoder<'_> {
    fn fields(
        &mut self,
        def: &Def,
        fields: &Map<String, Value>,
        path: &str,
        out: &mut Vec<u8>,
        depth: usize,
    ) -> Result<(), String> {
        if depth > MAX_DEPTH {
            return Err(format!("{path}: nested too deeply"));
        }
        for key in fields.keys() {
            if key == "_" {
                continue;
            }
            if !def.params.iter().any(|p| p.name == *key) {
                let known: Vec<&str> = def
                    .params
                    .iter()
                    .filter(|p| matches!(p.kind, Kind::Value { .. }))
                    .map(|p| p.name.as_str())
                    .collect();
                let close = super::schema::suggest(key, known.iter().copied(), 1);
                let hint = match close.first() {
                    Some(name) => format!(" — did you mean {name:?}?"),
                    None if known.is_empty() => " — it takes no parameters".to_owned(),
                    None => format!(" — its parameters are {}", known.join(", ")),
                };
                return Err(format!(
                    "{path}.{key}: {} has no parameter {key:?}{hint}",
                    def.name
                ));
            }
        }
        // Which optional fields are present decides the flags.
        let present = |name: &str, ty: &Ty| -> Result<bool, String> {
            match (fields.get(name), ty) {
                (None | Some(Value::Null), _) => Ok(false),
                (Some(Value::Bool(set)), Ty::True) => Ok(*set),
                (Some(other), Ty::True) => {
                    Err(expected(&format!("{path}.{name}"), "true or false", other))
                }
                (Some(_), _) => Ok(true),
            }
        };
        let mut flags = vec![0u32; def.params.len()];
        for param in &def.params {
            if let Kind::Value {
                ty,
                flag: Some((field, bit)),
            } = &param.kind
                && present(&param.name, ty)?
            {
                flags[*field] |= 1 << bit;
            }
        }
        for (index, param) in def.params.iter().enumerate() {
            let field_path = format!("{path}.{}", param.name);
            match &param.kind {
                Kind::Flags => flags[index].serialize(out),
                Kind::Value { ty, flag: None } => match fields.get(&param.name) {
                    None | Some(Value::Null) => {
                        let filled = super::defaults::fill(&param.name, ty, self.reader)
                            .and_then(|fill| fill.value(fields));
                        let Some(value) = filled else {
                            return Err(format!(
                                "{field_path}: missing (a required {ty} parameter of {})",
                                def.name
                            ));
                        };
                        self.value(ty, &value, &field_path, out, depth + 1)?;
                    }
                    Some(value) => self.value(ty, value, &field_path, out, depth + 1)?,
                },
                Kind::Value {
                    ty,
                    flag: Some((field, bit)),
                } => {
                    if flags[*field] & (1 << bit) == 0 || *ty == Ty::True {
                        continue;
                    }
                    match fields.get(&param.name) {
                        None | Some(Value::Null) => {
                            let by = def
                                .params
                                .iter()
                                .filter(|p| {
                                    matches!(&p.kind, Kind::Value { flag: Some((f, b)), ty }
                                        if f == field && b == bit && present(&p.name, ty).unwrap_or(false))
                                })
                                .map(|p| p.name.as_str())
                                .collect::<Vec<_>>()
                                .join(", ");
                            return Err(format!(
                                "{field_path}: missing — it is required together with {by} (they share {}.{bit})",
                                def.params[*field].name
                            ));
                        }
                        Some(value) => self.value(ty, value, &field_path, out, depth + 1)?,
                    }
                }
            }
        }
        Ok(())
    }

    fn value(
        &mut self,
        ty: &Ty,
        value: &Value,
        path: &str,
        out: &mut Vec<u8>,
        depth: usize,
    ) -> Result<(), String> {
        if depth > MAX_DEPTH {
            return Err(format!("{path}: nested too deeply"));
        }
        match ty {
            Ty::Int => {
                let n = integer(value)
                    .and_then(|n| i32::try_from(n).ok())
                    .ok_or_else(|| expected(path, "int (32-bit integer)", value))?;
                n.serialize(out);
            }
            Ty::Long => {
                let n = integer(value).ok_or_else(|| {
                    expected(
                        path,
                        "long (64-bit integer, as a number or a string)",
                        value,
                    )
                })?;
                n.serialize(out);
            }
            Ty::Double => {
                let n = value
                    .as_f64()
                    .or_else(|| value.as_str().and_then(|s| s.trim().parse().ok()))
                    .ok_or_else(|| expected(path, "double (a number)", value))?;
                n.serialize(out);
            }
            Ty::String => {
                let text = value
                    .as_str()
                    .ok_or_else(|| expected(path, "string", value))?;
                text.to_owned().serialize(out);
            }
            Ty::Bytes => bytes(value, path)?.serialize(out),
            Ty::Int128 => {
                let n = big(value, 16).ok_or_else(|| {
                    expected(path, "int128 (an integer, as a number or a string)", value)
                })?;
                out.extend_from_slice(&n);
            }
            Ty::Int256 => {
                let n = big(value, 32).ok_or_else(|| {
                    expected(path, "int256 (an integer, as a number or a string)", value)
                })?;
                out.extend_from_slice(&n);
            }
            Ty::Bool => {
                let set = match value {
                    Value::Bool(set) => *set,
                    Value::Object(o) => match o.get("_").and_then(Value::as_str) {
                        Some(name) if name.eq_ignore_ascii_case("boolTrue") => true,
                        Some(name) if name.eq_ignore_ascii_case("boolFalse") => false,
                        _ => return Err(expected(path, "Bool (true or false)", value)),
                    },
                    _ => return Err(expected(path, "Bool (true or false)", value)),
                };
                (if set { BOOL_TRUE_ID } else { BOOL_FALSE_ID }).serialize(out);
            }
            Ty::True => {}
            Ty::Vector(item) | Ty::BareVector(item) => {
                let items = value
                    .as_array()
                    .ok_or_else(|| expected(path, &format!("{ty} (an array)"), value))?;
                if matches!(ty, Ty::Vector(_)) {
                    VECTOR_ID.serialize(out);
                }
                i32::try_from(items.len())
                    .map_err(|_| format!("{path}: too many items"))?
                    .serialize(out);
                for (i, element) in items.iter().enumerate() {
                    self.value(item, element, &format!("{path}[{i}]"), out, depth + 1)?;
                }
            }
            Ty::Boxed(name) => self.boxed(name, value, path, out, depth)?,
            Ty::Bare(name) => {
                let def = self
                    .schema
                    .constructor(name)
                    .ok_or_else(|| format!("{path}: the schema has no constructor {name}"))?;
                let fields = value
                    .as_object()
                    .ok_or_else(|| expected(path, &format!("a {name} object"), value))?;
                self.fields(def, fields, path, out, depth + 1)?;
            }
            Ty::Generic => {
                return Err(format!(
                    "{path}: generic wrapper queries cannot be called through invoke"
                ));
            }
        }
        Ok(())
    }

    fn boxed(
        &mut self,
        ty: &str,
        value: &Value,
        path: &str,
        out: &mut Vec<u8>,
        depth: usize,
    ) -> Result<(), String> {
        let schema = self.schema;
        if let Some(slot) = PeerSlot::of(ty)
            && let Some(text) = chat_reference(value)
        {
            let bytes = self
                .resolver
                .peer(&text, slot)
                .map_err(|e| format!("{path}: {e}"))?;
            out.extend_from_slice(&bytes);
            return Ok(());
        }
        // `InputDialogPeer` and `InputNotifyPeer` written as a chat reference.
        if let Some(text) = chat_reference(value)
            && let Some(wrapper) = match ty {
                "InputDialogPeer" => Some("inputDialogPeer"),
                "InputNotifyPeer" => Some("inputNotifyPeer"),
                _ => None,
            }
        {
            let wrapped = serde_json::json!({"_": wrapper, "peer": text});
            return self.boxed(ty, &wrapped, path, out, depth);
        }
        let candidates: Vec<&Def> = schema.constructors_of(ty).collect();
        let names = || {
            candidates
                .iter()
                .map(|d| d.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let Value::Object(fields) = value else {
            let hint = if PeerSlot::of(ty).is_some() || ty == "InputDialogPeer" {
                " or a chat (me, @username, id)"
            } else {
                ""
            };
            return Err(expected(path, &format!("a {ty} object{hint}"), value));
        };
        let def = match fields.get("_") {
            Some(Value::String(name)) => self.constructor_for(ty, name, &candidates, path)?,
            Some(other) => return Err(expected(&format!("{path}._"), "a constructor name", other)),
            None if candidates.len() == 1 => candidates[0],
            None => {
                return Err(format!(
                    "{path}: missing \"_\" — name the {ty} constructor: one of {}",
                    names()
                ));
            }
        };
        def.id.serialize(out);
        self.fields(def, fields, path, out, depth + 1)
    }

    fn constructor_for<'s>(
        &self,
        ty: &str,
        name: &str,
        candidates: &[&'s Def],
        path: &str,
    ) -> Result<&'s Def, String> {
        let wanted = name.trim().to_ascii_lowercase();
        let wanted = wanted.strip_prefix("types.").unwrap_or(&wanted);
        if let Some(def) = candidates
            .iter()
            .find(|d| d.name.eq_ignore_ascii_case(wanted))
        {
            return Ok(def);
        }
        let short: Vec<&&Def> = candidates
            .iter()
            .filter(|d| {
                d.name
                    .rsplit('.')
                    .next()
                    .is_some_and(|s| s.eq_ignore_ascii_case(wanted))
            })
            .collect();
        if let [def] = short.as_slice() {
            return Ok(def);
        }
        let all = candidates
            .iter()
            .map(|d| d.name.as_str())
            .collect::<Vec<_>>();
        if let Some(other) = self.schema.constructor(wanted) {
            return Err(format!(
                "{path}._: {} is a {}, but a {ty} goes here — one of {}",
                other.name,
                other.ty,
                all.join(", ")
            ));
        }
        let close = super::schema::suggest(wanted, all.iter().copied(), 3);
        let hint = if close.is_empty() {
            format!("one of {}", all.join(", "))
        } else {
            format!("did you mean {}?", close.join(" or "))
        };
        Err(format!(
            "{path}._: {name:?} is not a {ty} constructor — {hint}"
        ))
    }
}

/// A chat reference where an input peer goes: a string, or a number (an id).
fn chat_reference(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(n) if n.is_i64() => Some(n.to_string()),
        _ => None,
    }
}

/// An integer as a JSON number or a decimal string.
fn integer(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A signed integer of `len` bytes, little-endian, from a number or decimal string.
fn big(value: &Value, len: usize) -> Option<Vec<u8>> {
    let text = match value {
        Value::Number(n) if n.is_i64() || n.is_u64() => n.to_string(),
        Value::String(s) => s.trim().to_owned(),
        _ => return None,
    };
    let n: num_bigint::BigInt = text.parse().ok()?;
    let mut bytes = n.to_signed_bytes_le();
    if bytes.len() > len {
        return None;
    }
    let fill = if n.sign() == num_bigint::Sign::Minus {
        0xff
    } else {
        0
    };
    bytes.resize(len, fill);
    Some(bytes)
}

/// `bytes`: base64 (standard, padded: what results carry), any other string as UTF-8
/// text, or `{"base64": …}` / `{"text": …}` to say which.
fn bytes(value: &Value, path: &str) -> Result<Vec<u8>, String> {
    let engine = base64::engine::general_purpose::STANDARD;
    match value {
        Value::String(text) => Ok(engine
            .decode(text)
            .unwrap_or_else(|_| text.as_bytes().to_vec())),
        Value::Object(o) if o.len() == 1 => match (o.get("base64"), o.get("text")) {
            (Some(Value::String(b64)), _) => engine
                .decode(b64.trim())
                .map_err(|e| format!("{path}.base64: not base64 ({e})")),
            (_, Some(Value::String(text))) => Ok(text.as_bytes().to_vec()),
            _ => Err(expected(path, "bytes (base64 or text)", value)),
        },
        _ => Err(expected(
            path,
            "bytes (a base64 string, text, or {\"base64\": …} / {\"text\": …})",
            value,
        )),
    }
}

//! TL bytes → JSON, driven by the schema: objects carry their constructor in `"_"`,
//! `bytes` are base64, integers JavaScript cannot hold exactly are strings, unset `true`
//! flags and absent optional fields are left out.

use base64::Engine as _;
use grammers_tl_types::{Cursor, Deserializable};
use serde_json::{Map, Value};

use super::encode::{BOOL_FALSE_ID, BOOL_TRUE_ID, VECTOR_ID};
use super::schema::{Def, Kind, Schema, Ty};

/// Nesting deeper than this in an answer is treated as garbage.
const MAX_DEPTH: usize = 64;
/// Largest integer a JSON reader using doubles holds exactly.
const MAX_SAFE: i64 = (1 << 53) - 1;

/// A user, chat or channel met while decoding: its constructor and where it starts, so
/// the caller can read it with grammers' types (and cache it).
#[derive(Debug, Clone, Copy)]
pub struct Seen {
    pub id: u32,
    pub start: usize,
}

/// Decodes a whole answer of type `ty`. Trailing bytes are an error.
pub fn decode(schema: &Schema, ty: &Ty, bytes: &[u8]) -> Result<(Value, Vec<Seen>), String> {
    let mut decoder = Decoder {
        schema,
        cur: Cursor::from_slice(bytes),
        seen: Vec::new(),
    };
    let value = decoder.value(ty, 0)?;
    let end = decoder.cur.pos();
    if end != bytes.len() {
        return Err(format!(
            "{} bytes left over after a {ty}",
            bytes.len() - end
        ));
    }
    Ok((value, decoder.seen))
}

/// Decodes a call of `method` (its id, then its parameters), as the tests compare with
/// grammers.
pub fn decode_call(schema: &Schema, method: &Def, bytes: &[u8]) -> Result<Value, String> {
    let mut decoder = Decoder {
        schema,
        cur: Cursor::from_slice(bytes),
        seen: Vec::new(),
    };
    let id = read::<u32>(&mut decoder.cur, "constructor id")?;
    if id != method.id {
        return Err(format!(
            "expected {} ({:08x}), got {id:08x}",
            method.name, method.id
        ));
    }
    let value = decoder.object(method, 0)?;
    if decoder.cur.pos() != bytes.len() {
        return Err("bytes left over".into());
    }
    Ok(value)
}

struct Decoder<'a> {
    schema: &'a Schema,
    cur: Cursor<'a>,
    seen: Vec<Seen>,
}

fn read<T: Deserializable>(cur: &mut Cursor, what: &str) -> Result<T, String> {
    T::deserialize(cur).map_err(|e| format!("cannot read a {what}: {e}"))
}

/// An integer as a JSON number when exact in a double, else as a string.
pub fn long_json(n: i64) -> Value {
    if (-MAX_SAFE..=MAX_SAFE).contains(&n) {
        Value::from(n)
    } else {
        Value::String(n.to_string())
    }
}

impl Decoder<'_> {
    fn value(&mut self, ty: &Ty, depth: usize) -> Result<Value, String> {
        if depth > MAX_DEPTH {
            return Err("the answer is nested too deeply".into());
        }
        let cur = &mut self.cur;
        Ok(match ty {
            Ty::Int => Value::from(read::<i32>(cur, "int")?),
            Ty::Long => long_json(read::<i64>(cur, "long")?),
            Ty::Double => {
                let n = read::<f64>(cur, "double")?;
                serde_json::Number::from_f64(n)
                    .map_or_else(|| Value::String(n.to_string()), Value::Number)
            }
            Ty::String => Value::String(read::<String>(cur, "string")?),
            Ty::Bytes => Value::String(base64::engine::general_purpose::STANDARD.encode(read::<
                Vec<u8>,
            >(
                cur, "bytes",
            )?)),
            Ty::Int128 => {
                let raw = read::<[u8; 16]>(cur, "int128")?;
                Value::String(i128::from_le_bytes(raw).to_string())
            }
            Ty::Int256 => {
                let raw = read::<[u8; 32]>(cur, "int256")?;
                Value::String(num_bigint::BigInt::from_signed_bytes_le(&raw).to_string())
            }
            Ty::Bool => match read::<u32>(cur, "Bool")? {
                BOOL_TRUE_ID => Value::Bool(true),
                BOOL_FALSE_ID => Value::Bool(false),
                other => return Err(format!("expected a Bool, got constructor {other:08x}")),
            },
            Ty::True => Value::Bool(true),
            Ty::Vector(item) | Ty::BareVector(item) => {
                if matches!(ty, Ty::Vector(_)) {
                    let id = read::<u32>(cur, "Vector")?;
                    if id != VECTOR_ID {
                        return Err(format!("expected a Vector, got constructor {id:08x}"));
                    }
                }
                let len = read::<i32>(cur, "Vector length")?;
                let len =
                    usize::try_from(len).map_err(|_| format!("negative Vector length {len}"))?;
                let mut items = Vec::with_capacity(len.min(1024));
                for _ in 0..len {
                    items.push(self.value(item, depth + 1)?);
                }
                Value::Array(items)
            }
            Ty::Boxed(_) => {
                let start = cur.pos();
                let id = read::<u32>(cur, "constructor id")?;
                let def = self.schema.constructor_by_id(id).ok_or_else(|| {
                    format!(
                        "unknown constructor {id:08x} (not in layer {})",
                        self.schema.layer
                    )
                })?;
                if matches!(def.ty.to_string().as_str(), "User" | "Chat") {
                    self.seen.push(Seen { id, start });
                }
                self.object(def, depth)?
            }
            Ty::Bare(name) => {
                let def = self
                    .schema
                    .constructor(name)
                    .ok_or_else(|| format!("the schema has no constructor {name}"))?;
                self.object(def, depth)?
            }
            Ty::Generic => return Err("a generic answer cannot be decoded".into()),
        })
    }

    fn object(&mut self, def: &Def, depth: usize) -> Result<Value, String> {
        let mut fields = Map::new();
        fields.insert("_".into(), Value::String(def.name.clone()));
        let mut flags = vec![0u32; def.params.len()];
        for (index, param) in def.params.iter().enumerate() {
            match &param.kind {
                Kind::Flags => flags[index] = read::<u32>(&mut self.cur, "flags")?,
                Kind::Value { ty, flag } => {
                    if let Some((field, bit)) = flag
                        && flags[*field] & (1 << bit) == 0
                    {
                        continue;
                    }
                    let value = self.value(ty, depth + 1)?;
                    fields.insert(param.name.clone(), value);
                }
            }
        }
        Ok(Value::Object(fields))
    }
}

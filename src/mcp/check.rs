//! A tool call's arguments checked against the tool's input schema before the tool runs.
//!
//! A mistake in the arguments is the model's to fix, so it is a tool error (`isError`,
//! kind `invalid_input`) that names the argument and says what it takes — not a JSON-RPC
//! error, which hosts show to the user instead (MCP 2025-11-25, "Tools: error
//! handling"). Harmless slips are mended rather than refused: `"50"` for 50, `"true"` for
//! true, one value where a list goes, a JSON object where `params_json` wants it as text,
//! `"Private"` for `private`. Unknown arguments are dropped with a note in the result;
//! on the tools that write, where a dropped argument could change what is sent (a
//! misspelt option), they are refused and nothing is sent.

use rmcp::model::JsonObject;
use serde_json::{Map, Value};

use super::WRITE_TOOLS;
use super::schema::{MAX_ID, MIN_ID};
use crate::error::{Error, Result};

/// What a call's arguments needed: the unknown ones that were dropped.
#[derive(Debug, Default)]
pub struct Checked {
    pub ignored: Vec<String>,
}

impl Checked {
    /// The note a result carries about dropped arguments, if any.
    pub fn note(&self, schema: &JsonObject) -> Option<String> {
        if self.ignored.is_empty() {
            return None;
        }
        Some(format!(
            "Note: ignored unknown argument{} {} — this tool takes {}.",
            if self.ignored.len() == 1 { "" } else { "s" },
            quoted(&self.ignored),
            quoted(&names(schema))
        ))
    }
}

/// Tools where an unknown argument is refused: dropping it could change what is written.
fn refuses_unknown(tool: &str) -> bool {
    WRITE_TOOLS.contains(&tool) || tool == "invoke_mtproto"
}

/// Checks `arguments` against `schema` in place: mends harmless slips, drops (or
/// refuses) unknown arguments, and fails with a message naming the argument at fault.
pub fn arguments(tool: &str, schema: &JsonObject, arguments: &mut JsonObject) -> Result<Checked> {
    let empty = Map::new();
    let properties = schema
        .get("properties")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let mut checked = Checked::default();
    let unknown: Vec<String> = arguments
        .keys()
        .filter(|name| !properties.contains_key(*name))
        .cloned()
        .collect();
    if !unknown.is_empty() {
        if refuses_unknown(tool) {
            return Err(Error::InvalidInput(format!(
                "{tool} has no argument {} — nothing was done; it takes {}",
                quoted(&unknown),
                quoted(&names(schema))
            )));
        }
        for name in &unknown {
            arguments.remove(name);
        }
        checked.ignored = unknown;
    }
    // A null is an argument left out.
    arguments.retain(|_, value| !value.is_null());
    let missing: Vec<String> = schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .filter(|name| !arguments.contains_key(*name))
        .map(str::to_owned)
        .collect();
    if let Some(first) = missing.first() {
        let what = properties
            .get(first)
            .and_then(|p| p.get("description"))
            .and_then(Value::as_str)
            .map(|d| format!(" ({})", d.replace('\n', " ")))
            .unwrap_or_default();
        return Err(Error::InvalidInput(format!(
            "{tool} needs {}{what}",
            quoted(&missing)
        )));
    }
    for (name, value) in arguments.iter_mut() {
        if let Some(Value::Object(property)) = properties.get(name) {
            mend(name, property, value).map_err(Error::InvalidInput)?;
        }
    }
    Ok(checked)
}

/// Brings `value` to the type `schema` names, or says what `name` takes.
fn mend(
    name: &str,
    schema: &Map<String, Value>,
    value: &mut Value,
) -> std::result::Result<(), String> {
    let Some(kind) = schema.get("type").and_then(Value::as_str) else {
        return Ok(());
    };
    let wrong =
        |value: &Value| format!("{name} must be {}, not {}", expected(schema), shown(value));
    match kind {
        "integer" => {
            let number = match &*value {
                Value::Number(n) => n.as_i64().or_else(|| {
                    n.as_f64()
                        .filter(|f| f.fract() == 0.0 && f.abs() < 9e15)
                        .map(|f| f as i64)
                }),
                Value::String(text) => text.trim().parse::<i64>().ok(),
                _ => None,
            };
            let Some(number) = number else {
                return Err(wrong(value));
            };
            let (min, max) = bounds(schema);
            if number < min || number > max {
                return Err(format!("{name} must be {}, not {number}", expected(schema)));
            }
            *value = Value::from(number);
        }
        "string" => {
            match &*value {
                Value::String(_) => {}
                Value::Number(n) if !name.ends_with("_json") => {
                    *value = Value::String(n.to_string())
                }
                // params_json: the object it should hold, given as is.
                Value::Object(_) | Value::Array(_) if name.ends_with("_json") => {
                    *value = Value::String(value.to_string());
                }
                _ => return Err(wrong(value)),
            }
            if let Some(Value::Array(choices)) = schema.get("enum") {
                let text = value.as_str().unwrap_or_default().trim().to_lowercase();
                match choices.iter().find(|c| c.as_str() == Some(text.as_str())) {
                    Some(choice) => *value = choice.clone(),
                    None => return Err(wrong(value)),
                }
            }
        }
        "boolean" => match &*value {
            Value::Bool(_) => {}
            Value::String(text) if text.trim().eq_ignore_ascii_case("true") => *value = true.into(),
            Value::String(text) if text.trim().eq_ignore_ascii_case("false") => {
                *value = false.into()
            }
            _ => return Err(wrong(value)),
        },
        "array" => {
            if !value.is_array() {
                *value = Value::Array(vec![value.take()]);
            }
            let items = value.as_array_mut().expect("an array");
            if let Some(max) = schema.get("maxItems").and_then(Value::as_u64)
                && items.len() as u64 > max
            {
                return Err(format!(
                    "{name} holds {} entries; at most {max}",
                    items.len()
                ));
            }
            if let Some(Value::Object(item)) = schema.get("items") {
                for (i, entry) in items.iter_mut().enumerate() {
                    mend(&format!("{name}[{i}]"), item, entry)?;
                }
            }
        }
        "object" => {
            if let Value::String(text) = &*value
                && let Ok(object @ Value::Object(_)) = serde_json::from_str::<Value>(text)
            {
                *value = object;
            }
            if !value.is_object() {
                return Err(wrong(value));
            }
        }
        _ => {}
    }
    Ok(())
}

/// An integer argument's range: its schema's, or where that names none, an id's (the
/// published schemas leave that range out).
fn bounds(schema: &Map<String, Value>) -> (i64, i64) {
    let bound = |key: &str| schema.get(key).and_then(Value::as_i64);
    (
        bound("minimum").unwrap_or(MIN_ID),
        bound("maximum").unwrap_or(MAX_ID),
    )
}

/// What a schema takes, in words.
fn expected(schema: &Map<String, Value>) -> String {
    if let Some(Value::Array(choices)) = schema.get("enum") {
        let choices: Vec<String> = choices
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect();
        return format!("one of {}", choices.join(", "));
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("integer") => {
            let (min, max) = bounds(schema);
            format!("an integer from {min} to {max}")
        }
        Some("string") => "a string".into(),
        Some("boolean") => "true or false".into(),
        Some("array") => "a list".into(),
        Some("object") => "a JSON object".into(),
        _ => "a valid value".into(),
    }
}

/// A value as it was given, shortened.
fn shown(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(40) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text,
    }
}

fn names(schema: &JsonObject) -> Vec<String> {
    schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default()
}

fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::mcp::params::{InvokeMtproto, ReadMessages, SearchGlobally};
    use crate::mcp::schema::input_schema;

    fn check<T: schemars::JsonSchema + 'static>(
        tool: &str,
        args: Value,
    ) -> Result<(Value, Vec<String>)> {
        let Value::Object(mut args) = args else {
            panic!()
        };
        let checked = arguments(tool, &input_schema::<T>(), &mut args)?;
        Ok((Value::Object(args), checked.ignored))
    }

    #[test]
    fn harmless_slips_are_mended() {
        let (args, ignored) = check::<SearchGlobally>(
            "search_messages_globally",
            json!({"query": 42, "limit": "50", "chat_type": "Private", "cursor": null, "chat": "me"}),
        )
        .unwrap();
        assert_eq!(
            args,
            json!({"query": "42", "limit": 50, "chat_type": "private"})
        );
        assert_eq!(ignored, ["chat"]);
        let (args, _) = check::<ReadMessages>(
            "read_messages",
            json!({"chat_id": -100123, "message_ids": "7"}),
        )
        .unwrap();
        assert_eq!(args, json!({"chat_id": "-100123", "message_ids": [7]}));
        let (args, _) = check::<InvokeMtproto>(
            "invoke_mtproto",
            json!({"method_full_name": "help.getConfig", "params_json": {"a": 1}, "resolve": "false"}),
        )
        .unwrap();
        assert_eq!(args["params_json"], "{\"a\":1}");
        assert_eq!(args["resolve"], false);
    }

    #[test]
    fn mistakes_name_the_argument_and_what_it_takes() {
        let message = |r: Result<(Value, Vec<String>)>| r.unwrap_err().to_string();
        let m = message(check::<SearchGlobally>(
            "search_messages_globally",
            json!({"limit": 5}),
        ));
        assert!(m.contains("needs `query`"), "{m}");
        let m = message(check::<SearchGlobally>(
            "search_messages_globally",
            json!({"query": "x", "limit": "ten"}),
        ));
        assert!(
            m.contains("limit must be an integer from 1 to 100, not \"ten\""),
            "{m}"
        );
        let m = message(check::<SearchGlobally>(
            "search_messages_globally",
            json!({"query": "x", "chat_type": "supergroup"}),
        ));
        assert!(
            m.contains("chat_type must be one of private, group, channel"),
            "{m}"
        );
        let m = message(check::<ReadMessages>(
            "read_messages",
            json!({"chat_id": "me", "message_ids": [1.5]}),
        ));
        assert!(m.contains("message_ids[0] must be an integer"), "{m}");
        let m = message(check::<ReadMessages>(
            "read_messages",
            json!({"chat_id": "me", "message_ids": [7, 2_147_483_648_i64]}),
        ));
        assert!(
            m.contains("message_ids[1] must be an integer from 1 to 2147483647, not 2147483648"),
            "{m}"
        );
        let m = message(check::<ReadMessages>(
            "read_messages",
            json!({"chat_id": "me", "message_ids": [0]}),
        ));
        assert!(
            m.contains("message_ids[0] must be an integer from 1 to 2147483647, not 0"),
            "{m}"
        );
        let m = message(check::<InvokeMtproto>(
            "invoke_mtproto",
            json!({"method_full_name": "x", "allow_dangerus": true}),
        ));
        assert!(
            m.contains("no argument `allow_dangerus` — nothing was done"),
            "{m}"
        );
    }
}

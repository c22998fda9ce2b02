//! Tool schemas that every client accepts and that cost little context.
//!
//! schemars writes what Rust knows: `format: int32`, `type: ["string", "null"]` for an
//! `Option`, shared `$defs` per schema. Strict clients warn on custom formats (AJV, so the
//! TypeScript SDK and the Inspector) and reject type arrays (Gemini), and `$defs` are
//! repeated in every tool that uses them. So schemas are rewritten into a portable subset:
//! references inlined, one type per schema, no formats (`minimum: 0` stays for unsigned
//! numbers), and output schemas kept to what a result is: the root's fields with their
//! types, and the shared shapes nested in them (a message, a chat) by their type alone —
//! the server's instructions describe those shapes once, and a result may carry more
//! fields than its schema names. A result that is itself a shared shape (the message
//! `edit_message` returns) names its required fields only.
//!
//! Every tool list costs each host's context, so what a client gains nothing from is left
//! out: the range of an id (1 to 2147483647), which [`super::check`] enforces anyway (an
//! integer argument with no bounds is an id, [`MIN_ID`] to [`MAX_ID`]), and a boolean
//! argument's `default: false`, which is what an absent flag means to everyone.

use std::any::TypeId;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use rmcp::model::JsonObject;
use schemars::JsonSchema;
use schemars::generate::SchemaSettings;
use serde_json::{Map, Value};

/// The range of an integer argument whose schema names no bounds: a message, topic or
/// reply id, positive and 32-bit in Telegram's API.
pub const MIN_ID: i64 = 1;
pub const MAX_ID: i64 = i32::MAX as i64;

/// What a schema is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    Input,
    Output,
    /// The output of a tool whose result is one of the shared shapes.
    Shape,
}

type Cache = Mutex<HashMap<(TypeId, Kind), Arc<JsonObject>>>;

fn cached<T: JsonSchema + 'static>(kind: Kind) -> Arc<JsonObject> {
    static CACHE: std::sync::LazyLock<Cache> = std::sync::LazyLock::new(Default::default);
    let key = (TypeId::of::<T>(), kind);
    let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    cache
        .entry(key)
        .or_insert_with(|| Arc::new(generate::<T>(kind)))
        .clone()
}

fn generate<T: JsonSchema>(kind: Kind) -> JsonObject {
    let settings = match kind {
        Kind::Input => SchemaSettings::draft2020_12(),
        Kind::Output | Kind::Shape => SchemaSettings::draft2020_12().for_serialize(),
    };
    let schema = settings.into_generator().into_root_schema_for::<T>();
    let Value::Object(mut root) = schema.to_value() else {
        panic!("{} has no object schema", std::any::type_name::<T>());
    };
    let defs = match root.remove("$defs") {
        Some(Value::Object(defs)) => defs,
        _ => Map::new(),
    };
    root.remove("$schema");
    root.remove("title");
    // The tool's description says what the arguments are for, and what it returns.
    root.remove("description");
    let mut root = Value::Object(root);
    portable(&mut root, &defs);
    let Value::Object(mut root) = root else {
        unreachable!()
    };
    let required = names(root.get("required"));
    if let Some(Value::Object(properties)) = root.get_mut("properties") {
        match kind {
            Kind::Input => properties.values_mut().for_each(argument),
            Kind::Output => properties.values_mut().for_each(lean),
            Kind::Shape => {
                properties.retain(|name, _| required.contains(name));
                properties.values_mut().for_each(lean);
            }
        }
    }
    // Unknown arguments are ignored with a note (or refused where that protects the
    // user), not rejected by the schema; a result may carry fields its schema omits.
    root.remove("additionalProperties");
    if root.get("type") != Some(&Value::from("object")) {
        panic!(
            "{} is not a JSON object at its root",
            std::any::type_name::<T>()
        );
    }
    root
}

fn names(list: Option<&Value>) -> Vec<String> {
    match list {
        Some(Value::Array(names)) => names
            .iter()
            .filter_map(|n| n.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    }
}

/// The `inputSchema` of a tool whose arguments are `T`.
pub fn input_schema<T: JsonSchema + 'static>() -> Arc<JsonObject> {
    cached::<T>(Kind::Input)
}

/// The `outputSchema` of a tool whose result is `T`. A failed call's `structuredContent`
/// (`{"error": …}`) is not described: clients check results against it only when
/// `isError` is not set.
pub fn output_schema<T: JsonSchema + 'static>() -> Arc<JsonObject> {
    cached::<T>(Kind::Output)
}

/// The `outputSchema` of a tool whose result is one of the shared shapes the server's
/// instructions describe (a message): its required fields with their types, and no more
/// — the instructions name the rest, and the result may carry them.
pub fn shape_schema<T: JsonSchema + 'static>() -> Arc<JsonObject> {
    cached::<T>(Kind::Shape)
}

/// Inlines `$ref`s and rewrites the schema into the portable subset.
fn portable(schema: &mut Value, defs: &Map<String, Value>) {
    let Value::Object(object) = schema else {
        return;
    };
    if let Some(Value::String(reference)) = object.remove("$ref") {
        let name = reference.rsplit('/').next().unwrap_or_default();
        if let Some(Value::Object(def)) = defs.get(name) {
            // A field is described by its own doc, not by its type's (written for Rust
            // readers, and repeated in every tool that uses the type).
            for (key, value) in def.iter().filter(|(key, _)| *key != "description") {
                object.entry(key.clone()).or_insert_with(|| value.clone());
            }
        }
    }
    object.remove("format");
    if let Some(Value::Array(types)) = object.get("type") {
        let types: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
        let single = match types.as_slice() {
            [one] => one.clone(),
            _ => panic!("a schema with several types: {types:?}"),
        };
        object.insert("type".into(), single);
    }
    for keyword in ["anyOf", "oneOf"] {
        if let Some(Value::Array(branches)) = object.get(keyword) {
            let kept: Vec<Value> = branches
                .iter()
                .filter(|branch| branch.get("type") != Some(&Value::from("null")))
                .cloned()
                .collect();
            if let [one] = kept.as_slice() {
                object.remove(keyword);
                if let Value::Object(one) = one {
                    for (key, value) in one {
                        object.entry(key.clone()).or_insert_with(|| value.clone());
                    }
                }
            } else {
                object.insert(keyword.into(), Value::Array(kept));
            }
        }
    }
    // An `Option` of a value with a default: schemars writes `null` as the default of
    // some; a portable schema has none.
    if object.get("default") == Some(&Value::Null) {
        object.remove("default");
    }
    let again = object.contains_key("$ref")
        || object.get("type").is_some_and(Value::is_array)
        || object.contains_key("format");
    if again {
        portable(schema, defs);
        return;
    }
    for (key, value) in object.iter_mut() {
        match key.as_str() {
            "properties" | "$defs" => {
                if let Value::Object(properties) = value {
                    for property in properties.values_mut() {
                        portable(property, defs);
                    }
                }
            }
            "items" | "additionalProperties" => portable(value, defs),
            "anyOf" | "oneOf" | "allOf" | "prefixItems" => {
                if let Value::Array(branches) = value {
                    for branch in branches {
                        portable(branch, defs);
                    }
                }
            }
            _ => {}
        }
    }
}

/// A field of a result: its type only (of an array, its items' type). A nested object's
/// fields are the shared shapes the instructions describe.
fn lean(schema: &mut Value) {
    let Value::Object(object) = schema else {
        return;
    };
    object.retain(|key, _| matches!(key.as_str(), "type" | "items" | "anyOf" | "minimum"));
    if let Some(items) = object.get_mut("items") {
        lean(items);
    }
}

/// An argument without what a client gains nothing from: the range of an id ([`MIN_ID`]
/// to [`MAX_ID`]), a boolean's `default: false`, an object's `additionalProperties: true`.
fn argument(schema: &mut Value) {
    let Value::Object(object) = schema else {
        return;
    };
    let bound = |key: &str| object.get(key).and_then(Value::as_i64);
    if (bound("minimum"), bound("maximum")) == (Some(MIN_ID), Some(MAX_ID)) {
        object.remove("minimum");
        object.remove("maximum");
    }
    // An object argument takes any fields unless its schema says otherwise.
    if object.get("additionalProperties") == Some(&Value::Bool(true)) {
        object.remove("additionalProperties");
    }
    if object.get("type") == Some(&Value::from("boolean"))
        && object.get("default") == Some(&Value::Bool(false))
    {
        object.remove("default");
    }
    if let Some(items) = object.get_mut("items") {
        argument(items);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::mcp::params::{InvokeMtproto, ReadMessages, SearchGlobally};
    use crate::telegram::{ChatList, Message, SearchPage};

    fn walk(value: &Value, check: &mut impl FnMut(&Map<String, Value>)) {
        match value {
            Value::Object(object) => {
                check(object);
                object.values().for_each(|v| walk(v, check));
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, check)),
            _ => {}
        }
    }

    #[test]
    fn output_schemas_are_portable_and_lean() {
        let schema = Value::Object(output_schema::<SearchPage>().as_ref().clone());
        walk(&schema, &mut |object| {
            assert!(!object.contains_key("format"), "{object:?}");
            assert!(!object.contains_key("$ref"), "{object:?}");
            assert!(
                !object.get("type").is_some_and(Value::is_array),
                "{object:?}"
            );
        });
        assert_eq!(schema["type"], "object");
        assert_eq!(schema["required"], json!(["messages", "has_more"]));
        assert_eq!(schema["properties"]["cursor"], json!({"type": "string"}));
        assert_eq!(
            schema["properties"]["messages"],
            json!({"type": "array", "items": {"type": "object"}})
        );
        let list = output_schema::<ChatList>();
        assert_eq!(list["properties"]["chats"]["type"], "array");
        // A message as the result (edit_message): as in every other result, its required
        // fields, typed; a result may carry more.
        let message = Value::Object(shape_schema::<Message>().as_ref().clone());
        assert_eq!(
            message,
            json!({
                "type": "object",
                "required": ["id", "chat", "date", "text", "out"],
                "properties": {
                    "id": {"type": "integer"}, "chat": {"type": "object"},
                    "date": {"type": "string"}, "text": {"type": "string"},
                    "out": {"type": "boolean"}
                }
            })
        );
    }

    #[test]
    fn ids_carry_no_maximum_and_other_bounds_stay() {
        let read = input_schema::<ReadMessages>();
        assert_eq!(
            read["properties"]["message_ids"]["items"],
            json!({"type": "integer"})
        );
        let search = input_schema::<SearchGlobally>();
        assert_eq!(search["properties"]["limit"]["maximum"], 100);
        let invoke = input_schema::<InvokeMtproto>();
        assert_eq!(
            invoke["properties"]["allow_dangerous"].get("default"),
            None,
            "false is what an absent flag means"
        );
        assert_eq!(invoke["properties"]["resolve"]["default"], true);
    }
}

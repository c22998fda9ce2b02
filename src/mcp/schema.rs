//! Tool schemas that every client accepts and that cost little context.
//!
//! schemars writes what Rust knows: `format: int32`, `type: ["string", "null"]` for an
//! `Option`, shared `$defs` per schema. Strict clients warn on custom formats (AJV, so the
//! TypeScript SDK and the Inspector) and reject type arrays (Gemini), and `$defs` are
//! repeated in every tool that uses them. So schemas are rewritten into a portable subset:
//! references inlined, one type per schema, no formats (`minimum: 0` stays for unsigned
//! numbers), and output schemas kept to what a result is: the root's fields, and of the
//! shared shapes nested in them (a message, a chat) only their required fields — the
//! server's instructions describe those shapes once.

use std::any::TypeId;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use rmcp::model::JsonObject;
use schemars::JsonSchema;
use schemars::generate::SchemaSettings;
use serde_json::{Map, Value};

type Cache = Mutex<HashMap<(TypeId, bool), Arc<JsonObject>>>;

fn cached<T: JsonSchema + 'static>(output: bool) -> Arc<JsonObject> {
    static CACHE: std::sync::LazyLock<Cache> = std::sync::LazyLock::new(Default::default);
    let key = (TypeId::of::<T>(), output);
    let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    cache
        .entry(key)
        .or_insert_with(|| Arc::new(generate::<T>(output)))
        .clone()
}

fn generate<T: JsonSchema>(output: bool) -> JsonObject {
    let settings = if output {
        SchemaSettings::draft2020_12().for_serialize()
    } else {
        SchemaSettings::draft2020_12()
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
    let mut root = Value::Object(root);
    portable(&mut root, &defs);
    let Value::Object(mut root) = root else {
        unreachable!()
    };
    if output {
        root.remove("description");
        if let Some(Value::Object(properties)) = root.get_mut("properties") {
            for property in properties.values_mut() {
                lean(property, 1);
            }
        }
    } else {
        // The tool's description says what the arguments are for.
        root.remove("description");
        // Unknown arguments are ignored with a note (or refused where that protects the
        // user), not rejected by the schema.
        root.remove("additionalProperties");
    }
    if root.get("type") != Some(&Value::from("object")) {
        panic!(
            "{} is not a JSON object at its root",
            std::any::type_name::<T>()
        );
    }
    root
}

/// The `inputSchema` of a tool whose arguments are `T`.
pub fn input_schema<T: JsonSchema + 'static>() -> Arc<JsonObject> {
    cached::<T>(false)
}

/// The `outputSchema` of a tool whose result is `T`. A failed call's `structuredContent`
/// (`{"error": …}`) is not described: clients check results against it only when
/// `isError` is not set.
pub fn output_schema<T: JsonSchema + 'static>() -> Arc<JsonObject> {
    cached::<T>(true)
}

/// Inlines `$ref`s and rewrites the schema into the portable subset.
fn portable(schema: &mut Value, defs: &Map<String, Value>) {
    let Value::Object(object) = schema else {
        return;
    };
    if let Some(Value::String(reference)) = object.remove("$ref") {
        let name = reference.rsplit('/').next().unwrap_or_default();
        if let Some(Value::Object(def)) = defs.get(name) {
            for (key, value) in def {
                // The use's own description is more specific than the type's.
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

/// A shape nested in a result: its required fields only, with their types but without
/// descriptions or enums; one level further down, only the names of the required fields.
fn lean(schema: &mut Value, depth: usize) {
    let Value::Object(object) = schema else {
        return;
    };
    object.remove("description");
    object.remove("enum");
    if let Some(items) = object.get_mut("items") {
        lean(items, depth);
    }
    if depth > 1 {
        object.remove("properties");
        return;
    }
    let required: Vec<String> = match object.get("required") {
        Some(Value::Array(names)) => names
            .iter()
            .filter_map(|n| n.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    };
    if let Some(Value::Object(properties)) = object.get_mut("properties") {
        properties.retain(|name, _| required.contains(name));
        for property in properties.values_mut() {
            lean(property, depth + 1);
        }
        if properties.is_empty() {
            object.remove("properties");
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::telegram::{ChatList, SearchPage};

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
        let message = &schema["properties"]["messages"]["items"];
        assert_eq!(
            message["required"],
            json!(["id", "chat", "date", "text", "out"])
        );
        assert_eq!(message["properties"]["date"]["type"], "string");
        assert_eq!(
            message["properties"]["chat"],
            json!({"type": "object", "required": ["id", "type", "title"]})
        );
        assert!(message["properties"].get("sender").is_none());
        let list = output_schema::<ChatList>();
        assert_eq!(list["properties"]["chats"]["type"], "array");
    }
}

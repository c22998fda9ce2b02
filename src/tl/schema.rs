//! The TL schema as data: every constructor and method of the layer, looked up by name
//! (forgivingly) or by id, parsed once on first use.

use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

use grammers_tl_parser::tl::{Category, Definition, ParameterType, Type};

/// Telegram's public `api.tl`, the file grammers-tl-types is generated from.
const API_TL: &str = include_str!("api.tl");

/// The type of a parameter or of a method's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ty {
    Int,
    Long,
    Double,
    String,
    Bytes,
    Int128,
    Int256,
    /// `Bool`: JSON true/false.
    Bool,
    /// `true` under a flag: present or not, no bytes.
    True,
    /// `Vector<T>`: boxed (constructor id, count, items).
    Vector(Box<Ty>),
    /// `vector<T>`: bare (count, items).
    BareVector(Box<Ty>),
    /// A boxed type by name (`InputPeer`, `messages.Messages`): a constructor id, then its
    /// fields.
    Boxed(String),
    /// A constructor used as a bare type: its fields only.
    Bare(String),
    /// `!X` / `X` of the wrapper methods (invokeWithLayer …): not callable through invoke.
    Generic,
}

impl fmt::Display for Ty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Int => f.write_str("int"),
            Self::Long => f.write_str("long"),
            Self::Double => f.write_str("double"),
            Self::String => f.write_str("string"),
            Self::Bytes => f.write_str("bytes"),
            Self::Int128 => f.write_str("int128"),
            Self::Int256 => f.write_str("int256"),
            Self::Bool => f.write_str("Bool"),
            Self::True => f.write_str("true"),
            Self::Vector(item) => write!(f, "Vector<{item}>"),
            Self::BareVector(item) => write!(f, "vector<{item}>"),
            Self::Boxed(name) | Self::Bare(name) => f.write_str(name),
            Self::Generic => f.write_str("X"),
        }
    }
}

impl Ty {
    fn from_parsed(ty: &Type) -> Self {
        if ty.generic_ref {
            return Self::Generic;
        }
        let name = full_name(&ty.namespace, &ty.name);
        if let Some(arg) = &ty.generic_arg {
            let item = Box::new(Self::from_parsed(arg));
            return match ty.name.as_str() {
                "vector" => Self::BareVector(item),
                _ => Self::Vector(item),
            };
        }
        match name.as_str() {
            "int" => Self::Int,
            "long" => Self::Long,
            "double" => Self::Double,
            "string" => Self::String,
            "bytes" => Self::Bytes,
            "int128" => Self::Int128,
            "int256" => Self::Int256,
            "Bool" => Self::Bool,
            "true" => Self::True,
            "X" | "Object" => Self::Generic,
            _ if ty.bare => Self::Bare(name),
            _ => Self::Boxed(name),
        }
    }
}

/// One parameter of a constructor or method.
#[derive(Debug, Clone)]
pub struct Param {
    pub name: String,
    pub kind: Kind,
}

#[derive(Debug, Clone)]
pub enum Kind {
    /// A `#` field: computed from which optional fields are present.
    Flags,
    Value {
        ty: Ty,
        /// The flags field (by parameter index) and bit this field depends on.
        flag: Option<(usize, u32)>,
    },
}

/// A constructor (`inputPeerUser`) or method (`messages.getHistory`).
#[derive(Debug, Clone)]
pub struct Def {
    /// With namespace, as in the schema: `messages.getHistory`.
    pub name: String,
    pub id: u32,
    pub params: Vec<Param>,
    /// The type a constructor builds, or a method returns.
    pub ty: Ty,
}

impl Def {
    /// `flags.3?bytes`-style text of a parameter, as in the schema.
    pub fn param_text(&self, param: &Param) -> String {
        match &param.kind {
            Kind::Flags => "#".into(),
            Kind::Value { ty, flag: None } => ty.to_string(),
            Kind::Value {
                ty,
                flag: Some((field, bit)),
            } => format!("{}.{bit}?{ty}", self.params[*field].name),
        }
    }

    /// Whether a method takes the wrapper generic (`invokeWithLayer` and friends).
    pub fn is_generic(&self) -> bool {
        self.ty == Ty::Generic
            || self.params.iter().any(|p| {
                matches!(
                    &p.kind,
                    Kind::Value {
                        ty: Ty::Generic,
                        ..
                    }
                )
            })
    }
}

pub struct Schema {
    pub layer: i32,
    constructors: Vec<Def>,
    functions: Vec<Def>,
    ctor_by_id: HashMap<u32, usize>,
    /// Boxed type name → its constructors.
    types: HashMap<String, Vec<usize>>,
    /// Lowercase constructor name → index.
    ctor_by_name: HashMap<String, usize>,
    /// Lowercase method name → index.
    fn_by_name: HashMap<String, usize>,
}

fn full_name(namespace: &[String], name: &str) -> String {
    let mut full = namespace.join(".");
    if !full.is_empty() {
        full.push('.');
    }
    full.push_str(name);
    full
}

impl Schema {
    /// The schema, parsed on first use (a few milliseconds; `serve` never pays it unless a
    /// client calls invoke).
    pub fn get() -> &'static Schema {
        static SCHEMA: OnceLock<Schema> = OnceLock::new();
        SCHEMA.get_or_init(|| Schema::parse(API_TL))
    }

    pub fn parse(text: &str) -> Self {
        let layer = text
            .lines()
            .find_map(|line| {
                line.trim()
                    .strip_prefix("//")
                    .and_then(|rest| rest.split_once("LAYER"))
                    .and_then(|(_, n)| n.trim().parse().ok())
            })
            .unwrap_or(0);
        let mut schema = Schema {
            layer,
            constructors: Vec::new(),
            functions: Vec::new(),
            ctor_by_id: HashMap::new(),
            types: HashMap::new(),
            ctor_by_name: HashMap::new(),
            fn_by_name: HashMap::new(),
        };
        // Definitions grammers cannot parse are skipped by grammers-tl-types too.
        for def in grammers_tl_parser::parse_tl_file(text).flatten() {
            let converted = convert(&def);
            match def.category {
                Category::Types => {
                    // The built-ins are handled by `Ty`; `vector` is generic.
                    if matches!(
                        converted.name.as_str(),
                        "vector" | "true" | "boolTrue" | "boolFalse"
                    ) {
                        continue;
                    }
                    let index = schema.constructors.len();
                    schema.ctor_by_id.insert(converted.id, index);
                    schema
                        .ctor_by_name
                        .insert(converted.name.to_ascii_lowercase(), index);
                    if let Ty::Boxed(ty) = &converted.ty {
                        schema.types.entry(ty.clone()).or_default().push(index);
                    }
                    schema.constructors.push(converted);
                }
                Category::Functions => {
                    schema
                        .fn_by_name
                        .insert(converted.name.to_ascii_lowercase(), schema.functions.len());
                    schema.functions.push(converted);
                }
            }
        }
        schema
    }

    pub fn functions(&self) -> &[Def] {
        &self.functions
    }

    pub fn constructors(&self) -> &[Def] {
        &self.constructors
    }

    pub fn constructor_by_id(&self, id: u32) -> Option<&Def> {
        self.ctor_by_id.get(&id).map(|&i| &self.constructors[i])
    }

    pub fn constructor(&self, name: &str) -> Option<&Def> {
        self.ctor_by_name
            .get(&name.to_ascii_lowercase())
            .map(|&i| &self.constructors[i])
    }

    /// The constructors of a boxed type.
    pub fn constructors_of(&self, ty: &str) -> impl Iterator<Item = &Def> {
        self.types
            .get(ty)
            .into_iter()
            .flatten()
            .map(|&i| &self.constructors[i])
    }

    /// A method by name: case-insensitive, with or without a `Request` suffix or a
    /// `functions.` prefix (Telethon's spelling).
    pub fn method(&self, name: &str) -> Option<&Def> {
        let lower = name.trim().to_ascii_lowercase();
        let lower = lower.strip_prefix("functions.").unwrap_or(&lower);
        let found = self.fn_by_name.get(lower).or_else(|| {
            lower
                .strip_suffix("request")
                .and_then(|short| self.fn_by_name.get(short))
        });
        found.map(|&i| &self.functions[i])
    }

    /// Up to five method names closest to `name`, best first.
    pub fn suggest_methods(&self, name: &str) -> Vec<&str> {
        let names = self.functions.iter().map(|d| d.name.as_str());
        suggest(name, names, 5)
    }
}

/// Longer names get no suggestions (the longest in the schema is about 50 characters).
const MAX_SUGGESTABLE: usize = 128;

/// The candidates closest to `wanted` (edit distance over lowercase names, and names that
/// contain it), best first.
pub fn suggest<'a>(
    wanted: &str,
    candidates: impl Iterator<Item = &'a str>,
    n: usize,
) -> Vec<&'a str> {
    // No name in the schema is near this long; comparing a huge input with every name
    // would take seconds (the fuzzing found a 70,000-character one).
    if wanted.len() > MAX_SUGGESTABLE {
        return Vec::new();
    }
    let wanted = wanted.trim().to_ascii_lowercase();
    let wanted = wanted.strip_suffix("request").unwrap_or(&wanted).to_owned();
    let short_wanted = wanted.rsplit('.').next().unwrap_or(&wanted).to_owned();
    let mut scored: Vec<(usize, &str)> = candidates
        .filter_map(|candidate| {
            let lower = candidate.to_ascii_lowercase();
            let short = lower.rsplit('.').next().unwrap_or(&lower);
            let distance = edit_distance(&wanted, &lower).min(edit_distance(&short_wanted, short));
            let contains = !short_wanted.is_empty()
                && short_wanted.len() >= 3
                && short.contains(&short_wanted);
            let limit = (short_wanted.len() / 3).max(2);
            if distance <= limit {
                Some((distance, candidate))
            } else if contains {
                Some((limit + 1 + short.len() - short_wanted.len(), candidate))
            } else {
                None
            }
        })
        .collect();
    scored.sort();
    scored.into_iter().take(n).map(|(_, name)| name).collect()
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = if ca == *cb {
                previous
            } else {
                1 + previous.min(row[j]).min(row[j + 1])
            };
            previous = current;
        }
    }
    row[b.len()]
}

fn convert(def: &Definition) -> Def {
    let mut params = Vec::with_capacity(def.params.len());
    for param in &def.params {
        let kind = match &param.ty {
            ParameterType::Flags => Kind::Flags,
            ParameterType::Normal { ty, flag } => Kind::Value {
                ty: Ty::from_parsed(ty),
                flag: flag.as_ref().and_then(|flag| {
                    let field = def.params.iter().position(|p| p.name == flag.name)?;
                    Some((field, flag.index as u32))
                }),
            },
        };
        params.push(Param {
            name: param.name.clone(),
            kind,
        });
    }
    Def {
        name: full_name(&def.namespace, &def.name),
        id: def.id,
        params,
        ty: Ty::from_parsed(&def.ty),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layer_matches_grammers() {
        let started = std::time::Instant::now();
        let schema = Schema::parse(API_TL);
        let elapsed = started.elapsed();
        eprintln!(
            "parsed {} constructors and {} methods in {elapsed:?}",
            schema.constructors.len(),
            schema.functions.len()
        );
        assert_eq!(schema.layer, grammers_tl_types::LAYER);
        assert!(schema.functions.len() > 500);
        assert!(schema.constructors.len() > 1000);
    }

    #[test]
    fn ids_match_grammers_names() {
        let schema = Schema::get();
        for def in schema.functions().iter().chain(schema.constructors()) {
            assert_eq!(grammers_tl_types::name_for_id(def.id), def.name, "{def:?}");
        }
    }

    #[test]
    fn a_huge_unknown_name_is_refused_at_once() {
        let schema = Schema::get();
        let huge = "x".repeat(70_000);
        let started = std::time::Instant::now();
        assert!(schema.method(&huge).is_none());
        assert!(schema.suggest_methods(&huge).is_empty());
        assert!(started.elapsed() < std::time::Duration::from_millis(500));
        assert_eq!(
            schema.suggest_methods("messages.getHistroy")[0],
            "messages.getHistory"
        );
    }

    #[test]
    fn methods_by_any_spelling() {
        let schema = Schema::get();
        for name in [
            "messages.getHistory",
            "messages.GetHistory",
            "messages.GetHistoryRequest",
            "MESSAGES.GETHISTORY",
            "functions.messages.GetHistoryRequest",
        ] {
            assert_eq!(schema.method(name).unwrap().name, "messages.getHistory");
        }
        // A method whose own name ends in "Request".
        assert_eq!(
            schema.method("messages.hideChatJoinRequest").unwrap().name,
            "messages.hideChatJoinRequest"
        );
        assert!(schema.method("messages.getHistoy").is_none());
        assert_eq!(
            schema.suggest_methods("messages.getHistoy")[0],
            "messages.getHistory"
        );
        assert!(
            schema
                .suggest_methods("getHistory")
                .contains(&"messages.getHistory")
        );
    }

    #[test]
    fn flags_and_types() {
        let schema = Schema::get();
        let def = schema.method("channels.getMessages").unwrap();
        assert_eq!(def.ty, Ty::Boxed("messages.Messages".into()));
        let send = schema.method("messages.sendMessage").unwrap();
        let silent = send.params.iter().find(|p| p.name == "silent").unwrap();
        assert_eq!(send.param_text(silent), "flags.5?true");
        assert!(schema.method("invokeWithLayer").unwrap().is_generic());
        assert_eq!(schema.constructors_of("InputPeer").count(), 7);
    }
}

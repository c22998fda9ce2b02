//! The TL schema at run time, for `invoke`: every method of the layer by name, JSON ⇄ TL
//! driven by the schema ([`encode`], [`decode`]), chat references resolved where the
//! schema expects an input peer ([`encode::Resolver`]), and the guardrails ([`policy`]).
//!
//! The schema is Telegram's public `api.tl`, the same file grammers-tl-types is generated
//! from, parsed on first use so that `serve` starts as fast without it.

pub mod decode;
pub mod defaults;
pub mod encode;
pub mod policy;
pub mod schema;

#[cfg(test)]
mod conformance;
#[cfg(test)]
mod tests;

pub use encode::{NoResolve, PeerSlot, Resolver};
pub use schema::{Def, Kind, Schema, Ty};

use crate::error::{Error, Result};

/// What the caller may run, besides the methods that change nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct Guard {
    /// Only [`policy::READ_ONLY`] methods.
    pub read_only: bool,
    /// [`policy::DANGEROUS`] methods too.
    pub allow_dangerous: bool,
    /// [`policy::SECRETS`] too (the terminal's `--allow-secrets` only).
    pub allow_secrets: bool,
}

/// The method named `name`, or an error with the closest names.
pub fn method(name: &str) -> Result<&'static Def> {
    let schema = Schema::get();
    if let Some(def) = schema.method(name) {
        return Ok(def);
    }
    let close = schema.suggest_methods(name);
    let hint = if close.is_empty() {
        "list them with `tgmcp invoke --list`".to_owned()
    } else {
        format!("did you mean {}?", close.join(", "))
    };
    Err(Error::UnknownMethod(format!(
        "{name:?} is not a method of Telegram's API (layer {}) — {hint}",
        schema.layer
    )))
}

/// Whether `guard` lets `def` run; the refusal says how to allow it.
pub fn check(def: &Def, guard: Guard) -> Result<()> {
    let name = def.name.as_str();
    if def.is_generic() {
        return Err(Error::InvalidInput(format!(
            "{name} wraps another call; tgmcp adds the wrappers it needs itself — call the inner method directly"
        )));
    }
    if policy::is_secret(name) && !guard.allow_secrets {
        return Err(Error::Forbidden(format!(
            "{name} handles login secrets (codes, passwords, authorizations), so it is refused here — if you really need it, run `tgmcp invoke {name} … --allow-secrets` in a terminal"
        )));
    }
    if guard.read_only && !policy::is_read_only(name) {
        return Err(Error::Forbidden(format!(
            "{name} may change something, and this server runs read-only (--read-only or TGMCP_READ_ONLY) — only methods that read are allowed"
        )));
    }
    if policy::is_dangerous(name) && !guard.allow_dangerous {
        return Err(Error::Forbidden(format!(
            "{name} cannot be undone, so it needs allow_dangerous (--allow-dangerous on the command line) — set it only if that is really intended"
        )));
    }
    Ok(())
}

/// A method's parameters and result, as `tgmcp invoke --describe` prints them.
#[derive(Debug, serde::Serialize)]
pub struct Description {
    pub method: String,
    pub id: String,
    pub params: Vec<ParamDescription>,
    pub returns: String,
    pub read_only: bool,
    pub dangerous: bool,
    pub secret: bool,
    /// Parameters that accept a chat reference (me, @username, an id) when resolution is
    /// on.
    pub resolves: Vec<String>,
}

#[derive(Debug, serde::Serialize)]
pub struct ParamDescription {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: String,
    pub required: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flag: Option<String>,
    /// What a required parameter becomes when left out ([`defaults`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
}

pub fn describe(def: &Def) -> Description {
    let reader = policy::is_read_only(&def.name);
    let mut resolves = Vec::new();
    let params = def
        .params
        .iter()
        .filter_map(|param| match &param.kind {
            Kind::Flags => None,
            Kind::Value { ty, flag } => {
                let mut inner = ty;
                while let Ty::Vector(item) | Ty::BareVector(item) = inner {
                    inner = item;
                }
                if let Ty::Boxed(name) = inner
                    && matches!(
                        name.as_str(),
                        "InputPeer" | "InputUser" | "InputChannel" | "InputDialogPeer"
                    )
                {
                    resolves.push(param.name.clone());
                }
                Some(ParamDescription {
                    name: param.name.clone(),
                    ty: ty.to_string(),
                    required: flag.is_none(),
                    flag: flag.map(|(field, bit)| format!("{}.{bit}", def.params[field].name)),
                    default: flag
                        .is_none()
                        .then(|| defaults::fill(&param.name, ty, reader))
                        .flatten()
                        .map(|fill| fill.describe()),
                })
            }
        })
        .collect();
    Description {
        method: def.name.clone(),
        id: format!("{:08x}", def.id),
        params,
        returns: def.ty.to_string(),
        read_only: reader,
        dangerous: policy::is_dangerous(&def.name),
        secret: policy::is_secret(&def.name),
        resolves,
    }
}

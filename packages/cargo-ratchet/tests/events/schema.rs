//! A small JSON Schema (2020-12) validator for the keywords that schemars emits in
//! `docs/events.schema.json`: `$ref` to `$defs`, `type`, `const`, `enum`, `properties`,
//! `required`, `additionalProperties`, `items`, `oneOf`, `anyOf`, `allOf`, `minimum` and
//! `maximum`. A keyword it does not know fails the check, so a schema that starts using one
//! cannot pass unchecked. (The `jsonschema` crate would do this too, at the cost of 81 crates
//! to build: see docs/json.md.)

use serde_json::{Map, Value};

const KNOWN: &[&str] = &[
    "$schema",
    "$defs",
    "$ref",
    "title",
    "description",
    "default",
    "format",
    "type",
    "const",
    "enum",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "oneOf",
    "anyOf",
    "allOf",
    "minimum",
    "maximum",
];

/// The committed schema of the event protocol.
pub struct Schema {
    root: Value,
}

impl Schema {
    /// Reads `docs/events.schema.json` of this repository.
    pub fn committed() -> Schema {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/events.schema.json");
        let text = std::fs::read_to_string(path).expect("docs/events.schema.json");
        Schema {
            root: serde_json::from_str(&text).expect("the schema is JSON"),
        }
    }

    /// Every way `value` breaks the schema; empty when it conforms.
    pub fn errors(&self, value: &Value) -> Vec<String> {
        let mut errors = Vec::new();
        self.check(&self.root, value, "$", &mut errors);
        errors
    }

    fn check(&self, schema: &Value, value: &Value, at: &str, errors: &mut Vec<String>) {
        let Some(schema) = schema.as_object() else {
            return; // `true`: anything goes
        };
        if let Some(unknown) = schema.keys().find(|k| !KNOWN.contains(&k.as_str())) {
            errors.push(format!("{at}: the validator does not know `{unknown}`"));
        }
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            let name = reference.strip_prefix("#/$defs/").expect("a local $ref");
            self.check(&self.root["$defs"][name], value, at, errors);
        }
        if let Some(kind) = schema.get("type")
            && !type_matches(kind, value)
        {
            errors.push(format!("{at}: {value} is not of type {kind}"));
            return;
        }
        if schema.get("const").is_some_and(|c| c != value) {
            errors.push(format!("{at}: {value} is not {}", schema["const"]));
        }
        if let Some(options) = schema.get("enum").and_then(Value::as_array)
            && !options.contains(value)
        {
            errors.push(format!("{at}: {value} is not one of {options:?}"));
        }
        bounds(schema, value, at, errors);
        if let Some(object) = value.as_object() {
            self.object(schema, object, at, errors);
        }
        if let (Some(items), Some(array)) = (schema.get("items"), value.as_array()) {
            for (i, item) in array.iter().enumerate() {
                self.check(items, item, &format!("{at}[{i}]"), errors);
            }
        }
        self.combinations(schema, value, at, errors);
    }

    fn object(
        &self,
        schema: &Map<String, Value>,
        object: &Map<String, Value>,
        at: &str,
        errors: &mut Vec<String>,
    ) {
        let required = schema.get("required").and_then(Value::as_array);
        for name in required.into_iter().flatten().filter_map(Value::as_str) {
            if !object.contains_key(name) {
                errors.push(format!("{at}: `{name}` is missing"));
            }
        }
        let properties = schema.get("properties").and_then(Value::as_object);
        for (name, item) in object {
            let at = format!("{at}.{name}");
            match properties.and_then(|p| p.get(name)) {
                Some(property) => self.check(property, item, &at, errors),
                None => {
                    if let Some(extra) = schema.get("additionalProperties") {
                        self.check(extra, item, &at, errors);
                    }
                }
            }
        }
    }

    fn combinations(
        &self,
        schema: &Map<String, Value>,
        value: &Value,
        at: &str,
        errors: &mut Vec<String>,
    ) {
        let passing = |key: &str| -> Option<(usize, usize)> {
            let options = schema.get(key)?.as_array()?;
            let ok = options
                .iter()
                .filter(|option| {
                    let mut inner = Vec::new();
                    self.check(option, value, at, &mut inner);
                    inner.is_empty()
                })
                .count();
            Some((ok, options.len()))
        };
        if let Some((ok, _)) = passing("oneOf").filter(|(ok, _)| *ok != 1) {
            errors.push(format!(
                "{at}: {ok} branches of oneOf match, not one: {value}"
            ));
        }
        if let Some((0, _)) = passing("anyOf") {
            errors.push(format!("{at}: no branch of anyOf matches {value}"));
        }
        if let Some((ok, all)) = passing("allOf").filter(|(ok, all)| ok != all) {
            errors.push(format!("{at}: {ok} of {all} branches of allOf match"));
        }
    }
}

fn bounds(schema: &Map<String, Value>, value: &Value, at: &str, errors: &mut Vec<String>) {
    let Some(number) = value.as_f64() else { return };
    if let Some(min) = schema.get("minimum").and_then(Value::as_f64)
        && number < min
    {
        errors.push(format!("{at}: {number} is below the minimum {min}"));
    }
    if let Some(max) = schema.get("maximum").and_then(Value::as_f64)
        && number > max
    {
        errors.push(format!("{at}: {number} is above the maximum {max}"));
    }
}

fn type_matches(kind: &Value, value: &Value) -> bool {
    match kind {
        Value::Array(kinds) => kinds.iter().any(|k| type_matches(k, value)),
        Value::String(kind) => match kind.as_str() {
            "null" => value.is_null(),
            "boolean" => value.is_boolean(),
            "string" => value.is_string(),
            "array" => value.is_array(),
            "object" => value.is_object(),
            "number" => value.is_number(),
            "integer" => value.is_i64() || value.is_u64(),
            other => panic!("unknown type `{other}` in the schema"),
        },
        other => panic!("a type that is neither a name nor a list: {other}"),
    }
}

#[test]
fn the_validator_rejects_what_the_schema_forbids() {
    let schema = Schema::committed();
    let good = serde_json::json!({"event": "step_started", "version": 2, "step": "lint", "packages": ["a"]});
    assert_eq!(schema.errors(&good), Vec::<String>::new());
    let mut bad_step = good.clone();
    bad_step["step"] = "build".into();
    let mut missing = good.clone();
    missing.as_object_mut().unwrap().remove("packages");
    let mut unknown_event = good.clone();
    unknown_event["event"] = "step_begun".into();
    let mut negative = good.clone();
    negative["version"] = (-1).into();
    for bad in [bad_step, missing, unknown_event, negative] {
        assert!(!schema.errors(&bad).is_empty(), "accepted {bad}");
    }
}

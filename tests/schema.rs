//! The published JSON Schema of the facts (`docs/facts.schema.json`) is generated from the
//! types, stays in sync with them, agrees with the fact registry, and the example facts files
//! validate against it.

use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn generated() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(certdoctor::Facts)).expect("schema as JSON")
}

#[test]
fn committed_schema_matches_the_types() {
    let path = root().join("docs/facts.schema.json");
    let want = serde_json::to_string_pretty(&generated()).expect("pretty") + "\n";
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &want).expect("write schema");
    }
    let have = std::fs::read_to_string(&path)
        .expect("docs/facts.schema.json exists (UPDATE_SCHEMA=1 cargo test --test schema)");
    assert_eq!(
        have, want,
        "docs/facts.schema.json is stale: run UPDATE_SCHEMA=1 cargo test --test schema"
    );
}

#[test]
fn example_facts_files_validate() {
    let schema = generated();
    let validator = jsonschema::validator_for(&schema).expect("valid schema");
    let mut n = 0;
    for dir in ["examples/data", "samples/iis-failed-import"] {
        for e in std::fs::read_dir(root().join(dir)).expect("dir").flatten() {
            let p = e.path();
            if p.extension().is_some_and(|x| x == "json") {
                let v: serde_json::Value =
                    serde_json::from_str(&std::fs::read_to_string(&p).expect("read"))
                        .expect("json");
                let errors: Vec<String> = validator
                    .iter_errors(&v)
                    .map(|e| format!("{} at {}", e, e.instance_path))
                    .collect();
                assert!(errors.is_empty(), "{}: {errors:?}", p.display());
                serde_json::from_value::<certdoctor::Facts>(v).expect("deserializes");
                n += 1;
            }
        }
    }
    assert!(n >= 2, "example facts files found: {n}");
    // A bad field is rejected by the schema too.
    let bad = serde_json::json!({"host": {"user": {"is_admn": true}}});
    assert!(!validator.is_valid(&bad));
}

/// Every host fact in the registry is a field of HostFacts, and every HostFacts field is
/// registered: the rules' vocabulary and the collector's schema are the same.
#[test]
fn host_facts_and_registry_agree() {
    let schema = generated();
    let defs = &schema["$defs"];
    let mut paths = Vec::new();
    fn walk(
        defs: &serde_json::Value,
        node: &serde_json::Value,
        prefix: &str,
        out: &mut Vec<String>,
    ) {
        let node = match node.get("$ref").and_then(|r| r.as_str()) {
            Some(r) => &defs[r.trim_start_matches("#/$defs/")],
            None => node,
        };
        let props = node.get("properties").or_else(|| {
            node.get("anyOf")
                .and_then(|a| a.as_array())
                .and_then(|a| a.iter().find_map(|x| x.get("$ref").map(|_| x)))
                .and_then(|x| {
                    let r = x["$ref"]
                        .as_str()
                        .unwrap_or_default()
                        .trim_start_matches("#/$defs/");
                    defs[r].get("properties")
                })
        });
        match props.and_then(|p| p.as_object()) {
            Some(m) => {
                for (k, v) in m {
                    walk(defs, v, &format!("{prefix}.{k}"), out);
                }
            }
            None => out.push(prefix.to_string()),
        }
    }
    walk(defs, &defs["HostFacts"], "host", &mut paths);
    paths.sort();
    let mut registered: Vec<String> = certdoctor::rules::registry::registry()
        .keys()
        .filter(|p| p.starts_with("host."))
        .cloned()
        .collect();
    registered.sort();
    assert_eq!(paths, registered);
}

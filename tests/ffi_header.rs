//! The checked-in header must be exactly what cbindgen generates from the sources. Run with
//! MPM_WRITE_HEADER=1 (`make header`) to rewrite it instead of comparing.

use std::path::Path;

#[test]
fn checked_in_header_matches_cbindgen() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = cbindgen::Config::from_file(root.join("cbindgen.toml")).expect("cbindgen.toml");
    let bindings = cbindgen::Builder::new()
        .with_crate(root)
        .with_config(config)
        .generate()
        .expect("cbindgen generates the header");
    let mut generated = Vec::new();
    bindings.write(&mut generated);
    let path = root.join("include/mpmeter.h");
    if std::env::var_os("MPM_WRITE_HEADER").is_some() {
        std::fs::write(&path, &generated).expect("write include/mpmeter.h");
        return;
    }
    let checked_in = std::fs::read(&path).unwrap_or_default();
    assert!(
        checked_in == generated,
        "include/mpmeter.h differs from what cbindgen generates: run `make header` and commit it"
    );
}

#[test]
fn header_version_macros_match_cargo() {
    let header =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("include/mpmeter.h"))
            .expect("include/mpmeter.h");
    let mut parts = env!("CARGO_PKG_VERSION").split('.');
    for name in ["MAJOR", "MINOR", "PATCH"] {
        let want = format!("#define MPM_VERSION_{name} {}", parts.next().unwrap());
        assert!(header.contains(&want), "header lacks `{want}`");
    }
}

/// cbindgen skips functions written through macros, so each `pub extern "C" fn` in src/ffi
/// must be declared in the header (a missing declaration once broke C callers).
#[test]
fn every_export_is_declared_in_the_header() {
    fn scan(dir: &Path, names: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).expect("read src/ffi") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                scan(&path, names);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("read source");
                for part in text.split("pub extern \"C\" fn ").skip(1) {
                    let name: String = part
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    names.push(name);
                }
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut names = Vec::new();
    scan(&root.join("src/ffi"), &mut names);
    assert!(names.len() > 100, "found only {} exports", names.len());
    let header = std::fs::read_to_string(root.join("include/mpmeter.h")).expect("header");
    let missing: Vec<_> = names
        .iter()
        .filter(|n| {
            n.is_empty()
                || !(header.contains(&format!(" {n}(")) || header.contains(&format!("*{n}(")))
        })
        .collect();
    assert!(
        missing.is_empty(),
        "exports missing from the header: {missing:?}"
    );
}

/// C and C++ programs (Qt's among them) share one namespace with the header: everything it
/// declares — functions, types, struct and enum tags, enum values, macros — must carry the
/// library's prefix (`typedef struct Source Source;` once leaked out of the Rust core).
#[test]
fn the_header_declares_nothing_outside_the_prefix() {
    let header =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("include/mpmeter.h"))
            .expect("include/mpmeter.h");
    let bad = unprefixed_identifiers(&header);
    assert!(
        bad.is_empty(),
        "the header declares names without mpm_/MPM_: {bad:?}"
    );
}

/// Every identifier the header declares that does not start with `mpm_` or `MPM_`.
fn unprefixed_identifiers(header: &str) -> Vec<String> {
    const ALLOWED: &[&str] = &["MPMETER_H"];
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    // Comments say anything; only code declares.
    let mut code = String::new();
    let mut in_block = false;
    for line in header.lines() {
        let mut l = line;
        if in_block {
            match l.find("*/") {
                Some(end) => {
                    l = &l[end + 2..];
                    in_block = false;
                }
                None => continue,
            }
        }
        if let Some(start) = l.find("/*") {
            in_block = !l[start..].contains("*/");
            l = &l[..start];
        }
        let l = l.split("//").next().unwrap_or("");
        code.push_str(l);
        code.push('\n');
    }
    let mut names = Vec::new();
    let mut in_enum = false;
    for raw in code.lines() {
        let line = raw.trim();
        if let Some(rest) = line.strip_prefix("#define ") {
            names.push(ident(rest));
            continue;
        }
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        for kw in ["struct ", "enum ", "union "] {
            if let Some(pos) = line.find(kw) {
                let name = ident(&line[pos + kw.len()..]);
                if !name.is_empty() {
                    names.push(name);
                }
            }
        }
        if line.starts_with("enum ") || line.starts_with("typedef enum") {
            in_enum = !line.ends_with(';');
        }
        if in_enum {
            if line.starts_with('}') {
                in_enum = false;
            } else if !line.contains("enum") && line != "{" {
                names.push(ident(line));
            }
            continue;
        }
        if let Some(rest) = line.strip_prefix("typedef ") {
            // A function pointer type: `typedef void (*name)(...)`.
            if let Some(pos) = rest.find("(*") {
                names.push(ident(&rest[pos + 2..]));
            } else if let Some(last) = rest.trim_end_matches(';').split_whitespace().last() {
                names.push(ident(last.trim_start_matches('*')));
            }
        }
        // A function declaration: the identifier right before the first '(' of a line that
        // starts a declaration (parameter lines are indented).
        if let Some(paren) = line.find('(') {
            if !line.starts_with("typedef") && !raw.starts_with(char::is_whitespace) {
                let before = line[..paren].trim_end();
                let name: String = before
                    .chars()
                    .rev()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect();
                if !name.is_empty() && !before.ends_with(')') {
                    names.push(name);
                }
            }
        }
    }
    names.retain(|n| {
        !n.is_empty()
            && !n.starts_with("mpm_")
            && !n.starts_with("MPM_")
            && !ALLOWED.contains(&n.as_str())
            && !matches!(
                n.as_str(),
                "bool" | "uint32_t" | "int32_t" | "int64_t" | "void" | "char"
            )
    });
    names.sort();
    names.dedup();
    names
}

#[test]
fn the_prefix_check_finds_a_leaked_name() {
    let leaked = "typedef struct Source Source;\nvoid helper(int x);\n#define LIMIT 3\n\
                  enum mpm_x {\n  MPM_A = 1,\n  STRAY = 2,\n};\ntypedef uint32_t mpm_x;\n\
                  /* struct Commented */\nmpm_result mpm_ok(const mpm_x *a,\n    void *userdata);\n\
                  typedef void (*callback)(void *userdata);\n";
    assert_eq!(
        unprefixed_identifiers(leaked),
        ["LIMIT", "STRAY", "Source", "callback", "helper"]
    );
}

/// The header is the reference manual: each opaque handle type's doc lists its functions
/// after "Methods:" (hyper's index; `_free` is short for `mpm_<type>_free`). Every function named `mpm_<type>_...` (the longest
/// handle type that prefixes it), or else taking a `mpm_<type> *` first, must be listed in
/// that type's index, and every name listed must be a function of the header.
#[test]
fn every_handle_type_lists_all_its_functions() {
    let header =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("include/mpmeter.h"))
            .expect("include/mpmeter.h");
    let problems = methods_index_problems(&header);
    assert!(problems.is_empty(), "Methods indexes: {problems:#?}");
}

/// The functions of each handle type missing from its "Methods:" index, and listed names that
/// are no function.
fn methods_index_problems(header: &str) -> Vec<String> {
    let lines: Vec<&str> = header.lines().collect();
    // Each opaque handle type and the doc comment right above its typedef.
    let mut types: Vec<(String, String)> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(rest) = line.strip_prefix("typedef struct ") else {
            continue;
        };
        let mut words = rest.trim_end_matches(';').split_whitespace();
        let (Some(tag), Some(name), None) = (words.next(), words.next(), words.next()) else {
            continue;
        };
        if tag != name || !name.starts_with("mpm_") {
            continue;
        }
        let mut doc = Vec::new();
        for l in lines[..i].iter().rev() {
            let t = l.trim();
            if t.starts_with("//") || t.starts_with("/*") || t.starts_with('*') {
                doc.push(t.trim_start_matches(['/', '*', ' ']));
            } else {
                break;
            }
        }
        doc.reverse();
        types.push((name.to_string(), doc.join(" ")));
    }
    let code: String = strip_comments(header)
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect();
    let mut functions: Vec<(String, String)> = Vec::new();
    for decl in code.split([';', '{', '}']) {
        let decl = decl.trim();
        let Some(open) = decl.find('(') else { continue };
        if decl.starts_with("typedef") {
            continue;
        }
        let name: String = decl[..open]
            .chars()
            .rev()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        if !name.starts_with("mpm_") {
            continue;
        }
        let first = decl[open + 1..].split([',', ')']).next().unwrap_or("");
        let first_type = first
            .replace("const ", "")
            .split('*')
            .next()
            .unwrap_or("")
            .trim()
            .to_string();
        functions.push((
            name,
            if first.contains('*') {
                first_type
            } else {
                String::new()
            },
        ));
    }
    let mut problems = Vec::new();
    let indexes: Vec<(String, Vec<String>)> = types
        .iter()
        .map(|(t, doc)| {
            // The list is the sentence after "Methods:"; `_free` stands for `mpm_<type>_free`.
            let after = doc.split_once("Methods:").map_or("", |(_, a)| a);
            let sentence = after.split(". ").next().unwrap_or("");
            let listed = sentence
                .split('`')
                .skip(1)
                .step_by(2)
                .filter(|name| !types.iter().any(|(other, _)| other == name))
                .map(|name| match name.strip_prefix('_') {
                    Some(rest) => format!("{t}_{rest}"),
                    None => name.to_string(),
                })
                .collect();
            (t.clone(), listed)
        })
        .collect();
    for (t, listed) in &indexes {
        if listed.is_empty() {
            problems.push(format!("{t}: no Methods: list"));
        }
        for name in listed {
            if !functions.iter().any(|(f, _)| f == name) {
                problems.push(format!(
                    "{t}: lists {name}, which the header does not declare"
                ));
            }
        }
    }
    for (f, first) in &functions {
        let by_prefix = indexes
            .iter()
            .filter(|(t, _)| f.starts_with(&format!("{t}_")))
            .max_by_key(|(t, _)| t.len());
        let owner = by_prefix.or_else(|| indexes.iter().find(|(t, _)| t == first));
        if let Some((t, listed)) = owner {
            if !listed.contains(f) {
                problems.push(format!("{t}: Methods: lacks {f}"));
            }
        }
    }
    problems
}

/// The header without its comments.
fn strip_comments(header: &str) -> String {
    let mut out = String::new();
    let mut rest = header;
    while !rest.is_empty() {
        let block = rest.find("/*");
        let line = rest.find("//");
        match (block, line) {
            (Some(b), l) if l.is_none_or(|l| b < l) => {
                out.push_str(&rest[..b]);
                rest = rest[b..].split_once("*/").map_or("", |(_, after)| after);
            }
            (_, Some(l)) => {
                out.push_str(&rest[..l]);
                rest = rest[l..].split_once('\n').map_or("", |(_, after)| after);
                out.push('\n');
            }
            _ => {
                out.push_str(rest);
                rest = "";
            }
        }
    }
    out
}

#[test]
fn the_methods_check_finds_a_missing_function() {
    let header = "#ifdef X\nextern \"C\" {\n#endif\n\
                  /** A thing. Methods: `mpm_thing_new`, `_gone`. See `mpm_thing_x`. */\n\
                  typedef struct mpm_thing mpm_thing;\n\
                  mpm_thing *mpm_thing_new(void);\n\
                  void mpm_thing_free(mpm_thing *thing);\n\
                  // Frees it.\n\
                  int mpm_other_call(const mpm_thing *thing,\n    int x);\n";
    assert_eq!(
        methods_index_problems(header),
        [
            "mpm_thing: lists mpm_thing_gone, which the header does not declare",
            "mpm_thing: Methods: lacks mpm_thing_free",
            "mpm_thing: Methods: lacks mpm_other_call",
        ]
    );
}

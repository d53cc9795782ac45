//! ARM template functions: deterministic hashes (`uniqueString`, `guid`) and the
//! runtime-only generators (`newGuid`, `utcNow`).
//!
//! Both hashes join their string arguments with `-` and hash the UTF-8 bytes:
//!
//! - `uniqueString`: Microsoft's 64-bit MurmurHash variant (two 32-bit lanes built on the
//!   MurmurHash3 x86 constants, as in `Microsoft.WindowsAzure.ResourceStack`'s
//!   `ComputeHash.MurmurHash64`), then 13 characters of lowercase RFC 4648 base32 taken
//!   from the top of the 64-bit value, 5 bits at a time.
//! - `guid`: an RFC 4122 name-based version-5 UUID (SHA-1) in ARM's namespace
//!   `11fb06fb-712d-4ddd-98c7-e71bbd588830`.
//!
//! The algorithms were cross-checked against outputs of the real ARM engine; the test
//! module lists where each expected value comes from.

use std::sync::Arc;

use sha1::{Digest, Sha1};

use super::{arg_str, capped_string, invalid, FnError, FnResult, FnSpec, Host};
use crate::arm::value::{Unknown, Value};

pub const FUNCTIONS: &[FnSpec] = &[
    FnSpec::new("uniqueString", 1, None, unique_string),
    FnSpec::new("guid", 1, None, guid),
    FnSpec::new("newGuid", 0, Some(0), new_guid),
    FnSpec::new("utcNow", 0, Some(1), utc_now),
];

/// ARM's namespace for `guid()`, in RFC 4122 (big-endian) byte order.
const ARM_GUID_NAMESPACE: [u8; 16] = [
    0x11, 0xfb, 0x06, 0xfb, 0x71, 0x2d, 0x4d, 0xdd, 0x98, 0xc7, 0xe7, 0x1b, 0xbd, 0x58, 0x88, 0x30,
];

const BASE32_LOWER: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";

/// The arguments of `uniqueString`/`guid`: strings only, joined with `-`.
fn join_with_dash(args: &[Value], func: &str) -> Result<String, FnError> {
    let mut joined = String::new();
    for i in 0..args.len() {
        let part = arg_str(args, i, func)?;
        if i > 0 {
            joined.push('-');
        }
        joined.push_str(part);
    }
    Ok(joined)
}

fn unique_string(_host: &mut dyn Host, args: &[Value]) -> FnResult {
    let joined = join_with_dash(args, "uniqueString")?;
    Ok(Value::string(unique_string_of(&joined)))
}

fn guid(_host: &mut dyn Host, args: &[Value]) -> FnResult {
    let joined = join_with_dash(args, "guid")?;
    capped_string(guid_of(&joined), "guid")
}

fn new_guid(_host: &mut dyn Host, _args: &[Value]) -> FnResult {
    Err(runtime_only("newGuid() is generated at deployment time"))
}

fn utc_now(_host: &mut dyn Host, args: &[Value]) -> FnResult {
    if let Some(format) = args.first() {
        if !matches!(format, Value::String(_)) {
            return Err(invalid(format!(
                "utcNow: the format must be a string, got {}",
                format.type_name()
            )));
        }
    }
    Err(runtime_only("utcNow() is the time of the deployment"))
}

fn runtime_only(why: &str) -> FnError {
    FnError::Unknown(Arc::new(Unknown {
        why: why.into(),
        term: None,
        ..Default::default()
    }))
}

/// `uniqueString` of an already joined input.
pub fn unique_string_of(input: &str) -> String {
    let mut hash = murmur_hash64(input.as_bytes());
    let mut out = String::with_capacity(13);
    for _ in 0..13 {
        out.push(char::from(BASE32_LOWER[(hash >> 59) as usize]));
        hash <<= 5;
    }
    out
}

/// `guid` of an already joined input: UUID v5 in ARM's namespace, lowercase.
pub fn guid_of(input: &str) -> String {
    let mut sha = Sha1::new();
    sha.update(ARM_GUID_NAMESPACE);
    sha.update(input.as_bytes());
    let digest = sha.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    bytes[6] = (bytes[6] & 0x0f) | 0x50;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let mut out = String::with_capacity(36);
    for (i, b) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        out.push_str(&format!("{b:02x}"));
    }
    out
}

fn read_u32_le(bytes: &[u8]) -> u32 {
    bytes
        .iter()
        .take(4)
        .enumerate()
        .fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (8 * i)))
}

fn fmix32(mut h: u32) -> u32 {
    h ^= h >> 16;
    h = h.wrapping_mul(0x85eb_ca6b);
    h ^= h >> 13;
    h = h.wrapping_mul(0xc2b2_ae35);
    h ^ (h >> 16)
}

/// Microsoft's MurmurHash64 (seed 0): two interleaved 32-bit lanes over 8-byte blocks.
fn murmur_hash64(data: &[u8]) -> u64 {
    const C1: u32 = 0x239b_961b;
    const C2: u32 = 0xab0e_9789;
    let mut h1: u32 = 0;
    let mut h2: u32 = 0;
    let mut blocks = data.chunks_exact(8);
    for block in &mut blocks {
        let mut k1 = read_u32_le(&block[..4]);
        let mut k2 = read_u32_le(&block[4..]);

        k1 = k1.wrapping_mul(C1).rotate_left(15).wrapping_mul(C2);
        h1 ^= k1;
        h1 = h1
            .rotate_left(19)
            .wrapping_add(h2)
            .wrapping_mul(5)
            .wrapping_add(0x561c_cd1b);

        k2 = k2.wrapping_mul(C2).rotate_left(17).wrapping_mul(C1);
        h2 ^= k2;
        h2 = h2
            .rotate_left(13)
            .wrapping_add(h1)
            .wrapping_mul(5)
            .wrapping_add(0x0bca_a747);
    }
    let tail = blocks.remainder();
    if !tail.is_empty() {
        let (first, second) = tail.split_at(tail.len().min(4));
        let k1 = read_u32_le(first)
            .wrapping_mul(C1)
            .rotate_left(15)
            .wrapping_mul(C2);
        h1 ^= k1;
        if !second.is_empty() {
            let k2 = read_u32_le(second)
                .wrapping_mul(C2)
                .rotate_left(17)
                .wrapping_mul(C1);
            h2 ^= k2;
        }
    }
    // The length is mixed in as a 32-bit value, like the reference implementation.
    let len = data.len() as u32;
    h1 ^= len;
    h2 ^= len;
    h1 = h1.wrapping_add(h2);
    h2 = h2.wrapping_add(h1);
    h1 = fmix32(h1);
    h2 = fmix32(h2);
    h1 = h1.wrapping_add(h2);
    h2 = h2.wrapping_add(h1);
    (u64::from(h2) << 32) | u64::from(h1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arm::functions::{call, NoHost};

    fn run(name: &str, args: &[Value]) -> FnResult {
        call(&mut NoHost, name, args)
    }

    fn s(v: &str) -> Value {
        Value::str(v)
    }

    fn ok_str(name: &str, args: &[Value]) -> String {
        match run(name, args) {
            Ok(Value::String(out)) => out.to_string(),
            other => panic!("{name}: expected a string, got {other:?}"),
        }
    }

    // Expected values and where they come from (all produced by Azure's own engine):
    //
    // [bicep]   Azure/bicep, src/Bicep.Core.Samples/Files/baselines_bicepparam/Expressions/
    //           parameters.bicepparam and parameters.json (the baseline is evaluated by
    //           Azure.Deployments.Expression, the ARM engine).
    // [azure]   KingslandConsulting/Kingsland.ArmLinter,
    //           src/Kingsland.ArmLinter/Functions/ArmFunctions_UniqueString.cs: outputs of a
    //           real `New-AzResourceGroupDeployment` recorded in a comment.
    // [azapi]   Azure/terraform-provider-azapi,
    //           internal/services/functions/unique_string_function_test.go (Microsoft's
    //           Terraform provider, which mirrors ARM's uniqueString).
    // [script]  a public `uniquestring.sh` "verified against Bicep uniqueString() output"
    //           (independent re-implementation; its vectors agree with the three above).
    #[test]
    fn unique_string_matches_azure() {
        let cases: &[(&[&str], &str)] = &[
            (&["asd", "asdf", "asdf"], "iizpqit7ih3cc"), // [bicep] 13 bytes: 5-byte tail
            (&["aaa"], "zavj67f3en4hc"),                 // [azure] 3-byte tail only
            (&["bbb"], "w5eragfxe33cy"),                 // [azure]
            (&["zzz"], "cryksdzzzawae"),                 // [azure]
            (&["xxx", "yyy", "zzz"], "lghi7k5js7itq"),   // [azure] one block + 3-byte tail
            (
                &[
                    "/subscriptions/00000000-0000-0000-0000-000000000000",
                    "resource-id",
                ],
                "cwvxuqg24sifi",
            ), // [azapi] 64 bytes: blocks only
            (&["test"], "rbgf3xv4ufgzg"),                // [script] 4-byte tail
            (&["hello", "world"], "a7wkljktk6wne"),      // [script]
            (&["foo", "bar", "baz"], "xzi4ioaxtmth4"),   // [script]
            (
                &["/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/my-rg"],
                "bmg7c6xu4tw46",
            ), // [script]
        ];
        for (args, expected) in cases {
            let values: Vec<Value> = args.iter().map(|a| s(a)).collect();
            assert_eq!(
                ok_str("uniqueString", &values),
                *expected,
                "uniqueString{args:?}"
            );
        }
    }

    #[test]
    fn unique_string_shape_and_case_sensitivity() {
        let a = ok_str("uniqueString", &[s("")]);
        assert_eq!(a.len(), 13);
        assert!(a.bytes().all(|b| BASE32_LOWER.contains(&b)));
        // Case matters (resource ids are case-insensitive in Azure, the hash is not).
        assert_ne!(
            ok_str("uniqueString", &[s("ABC")]),
            ok_str("uniqueString", &[s("abc")])
        );
        // Arguments are joined with '-', so these collide exactly like in ARM.
        assert_eq!(
            ok_str("uniqueString", &[s("a"), s("b")]),
            ok_str("uniqueString", &[s("a-b")])
        );
        // Unicode is hashed as UTF-8 and still gives 13 base32 characters.
        let u = ok_str("uniquestring", &[s("résumé-日本")]);
        assert_eq!(u.len(), 13);
    }

    #[test]
    fn unique_string_every_tail_length_is_stable() {
        // Exercise all tail lengths 0..=7 over two blocks; values must be distinct.
        let mut seen = std::collections::HashSet::new();
        for n in 0..=23 {
            let input: String = "abcdefghijklmnopqrstuvwx".chars().take(n).collect();
            assert!(seen.insert(unique_string_of(&input)), "collision at {n}");
        }
    }

    #[test]
    fn unique_string_rejects_non_strings() {
        for bad in [
            Value::Int(1),
            Value::Bool(true),
            Value::Null,
            Value::array(vec![]),
        ] {
            match run("uniqueString", &[s("x"), bad.clone()]) {
                Err(FnError::Invalid(msg)) => assert!(msg.contains("uniqueString"), "{msg}"),
                other => panic!("{bad:?}: {other:?}"),
            }
        }
        assert!(matches!(run("uniqueString", &[]), Err(FnError::Invalid(_))));
    }

    #[test]
    fn guid_matches_azure() {
        // [bicep] guid('asdf')
        assert_eq!(
            ok_str("guid", &[s("asdf")]),
            "228d27cc-6fdb-5934-b7ac-1efccebade04"
        );
        // Same construction as Python's uuid5(UUID('11fb06fb-…'), 'test'), which public
        // re-implementations of ARM's guid() use (e.g. cloud-maker-ai/go-guid's test).
        assert_eq!(
            ok_str("guid", &[s("test")]),
            "d6a5baf1-8b9b-542a-8525-2982f1f98a0c"
        );
    }

    #[test]
    fn guid_joins_with_dash() {
        let joined = ok_str("guid", &[s("a-b-c")]);
        assert_eq!(ok_str("guid", &[s("a"), s("b"), s("c")]), joined);
        assert_ne!(ok_str("guid", &[s("abc")]), joined);
        // uuid5(ns, 'test-test2-test3'), computed with Python's uuid module.
        assert_eq!(
            ok_str("GUID", &[s("test"), s("test2"), s("test3")]),
            "43ca56fb-e844-5667-aabf-b316c27c09cc"
        );
    }

    #[test]
    fn guid_shape() {
        let g = ok_str("guid", &[s("")]);
        assert_eq!(g.len(), 36);
        let parts: Vec<&str> = g.split('-').collect();
        assert_eq!(
            parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
            [8, 4, 4, 4, 12]
        );
        assert!(parts[2].starts_with('5'), "version 5: {g}");
        assert!(
            matches!(parts[3].as_bytes()[0], b'8' | b'9' | b'a' | b'b'),
            "variant: {g}"
        );
        assert_eq!(g, g.to_lowercase());
    }

    #[test]
    fn guid_rejects_non_strings() {
        assert!(matches!(
            run("guid", &[Value::Int(3)]),
            Err(FnError::Invalid(_))
        ));
        assert!(matches!(run("guid", &[]), Err(FnError::Invalid(_))));
    }

    #[test]
    fn nested_unknown_argument_is_unknown() {
        let unknown = Value::unknown("reference()");
        assert!(matches!(
            run("guid", &[s("a"), unknown.clone()]),
            Err(FnError::Unknown(_))
        ));
        assert!(matches!(
            run("uniqueString", &[unknown]),
            Err(FnError::Unknown(_))
        ));
    }

    #[test]
    fn runtime_only_functions_are_unknown() {
        match run("newGuid", &[]) {
            Err(FnError::Unknown(u)) => {
                assert!(u.why.contains("newGuid"));
                assert!(u.term.is_none());
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            run("newGuid", &[s("x")]),
            Err(FnError::Invalid(_))
        ));
        assert!(matches!(run("utcNow", &[]), Err(FnError::Unknown(_))));
        assert!(matches!(
            run("utcnow", &[s("yyyyMMdd")]),
            Err(FnError::Unknown(_))
        ));
        assert!(matches!(
            run("utcNow", &[Value::Int(1)]),
            Err(FnError::Invalid(_))
        ));
        assert!(matches!(
            run("utcNow", &[s("u"), s("v")]),
            Err(FnError::Invalid(_))
        ));
    }
}

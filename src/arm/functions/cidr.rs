//! ARM template functions: CIDR (`parseCidr`, `cidrSubnet`, `cidrHost`), for IPv4 and
//! IPv6.
//!
//! Docs: <https://learn.microsoft.com/azure/azure-resource-manager/templates/template-functions-cidr>.
//! Where the docs are silent: host bits set in the input are masked off
//! (`10.144.1.7/20` is `10.144.0.0/20`); an IPv4 /31 has both addresses usable and a
//! /32 its single one (RFC 3021); `cidrHost` numbers hosts from the address after the
//! network address for both families (as the documented IPv6 example shows) and never
//! returns the IPv4 broadcast address.

use std::net::{Ipv4Addr, Ipv6Addr};

use super::{arg_int, arg_str, invalid, FnError, FnResult, FnSpec, Host};
use crate::arm::value::{Map, Str, Value};

pub const FUNCTIONS: &[FnSpec] = &[
    FnSpec::new("parseCidr", 1, Some(1), parse_cidr),
    FnSpec::new("cidrSubnet", 3, Some(3), cidr_subnet),
    FnSpec::new("cidrHost", 2, Some(2), cidr_host),
];

/// A parsed `address/prefix`, both families held in a u128.
#[derive(Clone, Copy, Debug)]
struct Network {
    v6: bool,
    /// The address as written (host bits possibly set).
    addr: u128,
    prefix: u32,
}

impl Network {
    fn parse(text: &str, func: &str) -> Result<Network, FnError> {
        let bad = |why: &str| invalid(format!("{func}: '{text}' is not a valid CIDR range: {why}"));
        let (ip, prefix) = text
            .split_once('/')
            .ok_or_else(|| bad("missing '/prefix'"))?;
        if prefix.is_empty() || !prefix.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad("the prefix length must be a number"));
        }
        let prefix: u32 = prefix
            .parse()
            .map_err(|_| bad("prefix length out of range"))?;
        let (v6, addr) = if ip.contains(':') {
            let a: Ipv6Addr = ip.parse().map_err(|_| bad("invalid IPv6 address"))?;
            (true, u128::from(a))
        } else {
            let a: Ipv4Addr = ip.parse().map_err(|_| bad("invalid IPv4 address"))?;
            (false, u128::from(u32::from(a)))
        };
        let net = Network { v6, addr, prefix };
        if prefix > net.bits() {
            return Err(bad(&format!(
                "the prefix length must be at most {}",
                net.bits()
            )));
        }
        Ok(net)
    }

    fn bits(&self) -> u32 {
        if self.v6 {
            128
        } else {
            32
        }
    }

    /// All ones over the address width.
    fn all(&self) -> u128 {
        if self.v6 {
            u128::MAX
        } else {
            u128::from(u32::MAX)
        }
    }

    fn mask_of(&self, prefix: u32) -> u128 {
        let all = self.all();
        all ^ all.checked_shr(prefix).unwrap_or(0)
    }

    fn netmask(&self) -> u128 {
        self.mask_of(self.prefix)
    }

    fn network(&self) -> u128 {
        self.addr & self.netmask()
    }

    /// Last address of the range.
    fn broadcast(&self) -> u128 {
        self.network() | (self.all() & !self.netmask())
    }

    fn format(&self, addr: u128) -> String {
        if self.v6 {
            Ipv6Addr::from(addr).to_string()
        } else {
            // Masked to 32 bits, so the conversion cannot fail.
            Ipv4Addr::from(u32::try_from(addr & self.all()).unwrap_or(0)).to_string()
        }
    }
}

fn parse_cidr(_: &mut dyn Host, args: &[Value]) -> FnResult {
    let net = Network::parse(arg_str(args, 0, "parseCidr")?, "parseCidr")?;
    let (network, broadcast) = (net.network(), net.broadcast());
    let (first, last) = match (net.v6, net.prefix) {
        (true, _) => (network, broadcast),
        (false, 32) => (network, network),
        (false, 31) => (network, broadcast),
        (false, _) => (network + 1, broadcast - 1),
    };
    let mut map = Map::new();
    let mut put = |k: &str, v: Value| {
        map.insert(Str::from(k), v);
    };
    put("network", Value::string(net.format(network)));
    put("netmask", Value::string(net.format(net.netmask())));
    if !net.v6 {
        put("broadcast", Value::string(net.format(broadcast)));
    }
    put("firstUsable", Value::string(net.format(first)));
    put("lastUsable", Value::string(net.format(last)));
    put("cidr", Value::Int(i64::from(net.prefix)));
    Ok(Value::object(map))
}

fn cidr_subnet(_: &mut dyn Host, args: &[Value]) -> FnResult {
    let net = Network::parse(arg_str(args, 0, "cidrSubnet")?, "cidrSubnet")?;
    let new_cidr = arg_int(args, 1, "cidrSubnet")?;
    let index = arg_int(args, 2, "cidrSubnet")?;
    let new_prefix = u32::try_from(new_cidr)
        .ok()
        .filter(|p| (net.prefix..=net.bits()).contains(p))
        .ok_or_else(|| {
            invalid(format!(
                "cidrSubnet: newCIDR {new_cidr} must be between {} and {}",
                net.prefix,
                net.bits()
            ))
        })?;
    // 2^(new - old) subnets; `None` means 2^128, more than any index can reach.
    let count = 1u128.checked_shl(new_prefix - net.prefix);
    let index = u128::try_from(index)
        .ok()
        .filter(|i| count.is_none_or(|c| *i < c))
        .ok_or_else(|| {
            invalid(format!(
                "cidrSubnet: subnetIndex {index} is out of range: /{} has {} /{new_prefix} subnets",
                net.prefix,
                count.map_or_else(|| "2^128".to_string(), |c| c.to_string())
            ))
        })?;
    // index < 2^(new - old), so the shifted index stays within the host bits.
    let step_shift = net.bits() - new_prefix;
    let offset = index.checked_shl(step_shift).unwrap_or(0);
    let subnet = net.network() | offset;
    Ok(Value::string(format!(
        "{}/{new_prefix}",
        net.format(subnet)
    )))
}

fn cidr_host(_: &mut dyn Host, args: &[Value]) -> FnResult {
    let net = Network::parse(arg_str(args, 0, "cidrHost")?, "cidrHost")?;
    let index = arg_int(args, 1, "cidrHost")?;
    let broadcast = net.broadcast();
    // The IPv4 broadcast address is not a host; IPv6 has no broadcast.
    let last = if net.v6 {
        broadcast
    } else {
        broadcast.saturating_sub(1)
    };
    let host = u128::try_from(index)
        .ok()
        .and_then(|i| net.network().checked_add(1)?.checked_add(i))
        .filter(|h| *h <= last)
        .ok_or_else(|| {
            let usable = last.saturating_sub(net.network());
            invalid(format!(
                "cidrHost: hostIndex {index} is out of range: {}/{} has {usable} usable host addresses",
                net.format(net.network()),
                net.prefix
            ))
        })?;
    Ok(Value::string(net.format(host)))
}

#[cfg(test)]
mod tests {
    use crate::arm::functions::{call, FnError, FnResult, NoHost};
    use crate::arm::value::Value;
    use serde_json::json;

    fn run(name: &str, args: &[Value]) -> FnResult {
        call(&mut NoHost, name, args)
    }

    fn parse(cidr: &str) -> serde_json::Value {
        match run("parseCidr", &[cidr.into()]) {
            Ok(v) => v.to_json(),
            Err(e) => panic!("parseCidr('{cidr}') failed: {e:?}"),
        }
    }

    fn text(name: &str, args: &[Value]) -> String {
        match run(name, args) {
            Ok(Value::String(s)) => s.to_string(),
            other => panic!("{name}: expected a string, got {other:?}"),
        }
    }

    fn invalid_msg(name: &str, args: &[Value]) -> String {
        match run(name, args) {
            Err(FnError::Invalid(m)) => m,
            other => panic!("{name}: expected an error, got {other:?}"),
        }
    }

    #[test]
    fn parse_cidr_documented_examples() {
        assert_eq!(
            parse("10.144.0.0/20"),
            json!({
                "network": "10.144.0.0",
                "netmask": "255.255.240.0",
                "broadcast": "10.144.15.255",
                "firstUsable": "10.144.0.1",
                "lastUsable": "10.144.15.254",
                "cidr": 20
            })
        );
        assert_eq!(
            parse("fdad:3236:5555::/48"),
            json!({
                "network": "fdad:3236:5555::",
                "netmask": "ffff:ffff:ffff::",
                "firstUsable": "fdad:3236:5555::",
                "lastUsable": "fdad:3236:5555:ffff:ffff:ffff:ffff:ffff",
                "cidr": 48
            })
        );
        // Key order follows the docs.
        let keys: Vec<String> = match run("parseCidr", &["10.0.0.0/8".into()]) {
            Ok(Value::Object(m)) => m.keys().map(|k| k.to_string()).collect(),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            keys,
            [
                "network",
                "netmask",
                "broadcast",
                "firstUsable",
                "lastUsable",
                "cidr"
            ]
        );
    }

    #[test]
    fn parse_cidr_edges() {
        // Host bits are masked off.
        assert_eq!(parse("10.144.7.9/20")["network"], "10.144.0.0");
        let p = parse("0.0.0.0/0");
        assert_eq!(p["netmask"], "0.0.0.0");
        assert_eq!(p["broadcast"], "255.255.255.255");
        assert_eq!(p["lastUsable"], "255.255.255.254");
        let p = parse("192.168.1.5/32");
        assert_eq!(p["network"], "192.168.1.5");
        assert_eq!(p["netmask"], "255.255.255.255");
        assert_eq!(p["firstUsable"], "192.168.1.5");
        assert_eq!(p["lastUsable"], "192.168.1.5");
        let p = parse("192.168.1.4/31");
        assert_eq!(p["firstUsable"], "192.168.1.4");
        assert_eq!(p["lastUsable"], "192.168.1.5");
        let p = parse("10.0.0.0/30");
        assert_eq!(p["firstUsable"], "10.0.0.1");
        assert_eq!(p["lastUsable"], "10.0.0.2");
        let p = parse("::/0");
        assert_eq!(p["netmask"], "::");
        assert_eq!(p["lastUsable"], "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
        let p = parse("2001:db8::1/128");
        assert_eq!(p["network"], "2001:db8::1");
        assert_eq!(p["netmask"], "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
        assert!(p.get("broadcast").is_none());
        assert_eq!(
            parse("FDAD:3236:5555:1:2::/64")["network"],
            "fdad:3236:5555:1::"
        );
    }

    #[test]
    fn parse_cidr_invalid() {
        for bad in [
            "10.0.0.0",
            "10.0.0.0/",
            "10.0.0.0/33",
            "10.0.0.0/-1",
            "10.0.0.0/+8",
            "10.0.0/8",
            "256.0.0.0/8",
            "10.0.0.0/8/8",
            "fdad::/129",
            "fdad:::/48",
            "not an ip/8",
            "",
            "/8",
            "10.0.0.0/99999999999999999999",
        ] {
            let m = invalid_msg("parseCidr", &[bad.into()]);
            assert!(m.contains("not a valid CIDR"), "{bad}: {m}");
        }
        invalid_msg("parseCidr", &[8.into()]);
        invalid_msg("parseCidr", &[Value::Null]);
        let u = Value::unknown_term(
            "vnet prefix",
            crate::arm::value::Term::Parameter("vnet".into()),
        );
        assert!(matches!(run("parseCidr", &[u]), Err(FnError::Unknown(_))));
    }

    #[test]
    fn cidr_subnet_documented_examples() {
        let v4: Vec<String> = (0..5)
            .map(|i| text("cidrSubnet", &["10.144.0.0/20".into(), 24.into(), i.into()]))
            .collect();
        assert_eq!(
            v4,
            [
                "10.144.0.0/24",
                "10.144.1.0/24",
                "10.144.2.0/24",
                "10.144.3.0/24",
                "10.144.4.0/24"
            ]
        );
        let v6: Vec<String> = (0..5)
            .map(|i| {
                text(
                    "cidrSubnet",
                    &["fdad:3236:5555::/48".into(), 52.into(), i.into()],
                )
            })
            .collect();
        assert_eq!(
            v6,
            [
                "fdad:3236:5555::/52",
                "fdad:3236:5555:1000::/52",
                "fdad:3236:5555:2000::/52",
                "fdad:3236:5555:3000::/52",
                "fdad:3236:5555:4000::/52"
            ]
        );
    }

    #[test]
    fn cidr_subnet_edges() {
        // Same prefix: the network itself, index 0 only.
        assert_eq!(
            text("cidrSubnet", &["10.1.2.3/16".into(), 16.into(), 0.into()]),
            "10.1.0.0/16"
        );
        invalid_msg("cidrSubnet", &["10.1.0.0/16".into(), 16.into(), 1.into()]);
        // Last subnet, and one past it.
        assert_eq!(
            text(
                "cidrSubnet",
                &["10.144.0.0/20".into(), 24.into(), 15.into()]
            ),
            "10.144.15.0/24"
        );
        let m = invalid_msg(
            "cidrSubnet",
            &["10.144.0.0/20".into(), 24.into(), 16.into()],
        );
        assert!(m.contains("out of range"), "{m}");
        invalid_msg(
            "cidrSubnet",
            &["10.144.0.0/20".into(), 24.into(), (-1).into()],
        );
        // /32 subnets and full IPv6 depth.
        assert_eq!(
            text("cidrSubnet", &["10.0.0.0/24".into(), 32.into(), 255.into()]),
            "10.0.0.255/32"
        );
        assert_eq!(
            text("cidrSubnet", &["::/0".into(), 128.into(), i64::MAX.into()]),
            "::7fff:ffff:ffff:ffff/128"
        );
        assert_eq!(
            text("cidrSubnet", &["0.0.0.0/0".into(), 1.into(), 1.into()]),
            "128.0.0.0/1"
        );
        // newCIDR out of range.
        let m = invalid_msg("cidrSubnet", &["10.144.0.0/20".into(), 19.into(), 0.into()]);
        assert!(m.contains("newCIDR"), "{m}");
        invalid_msg("cidrSubnet", &["10.144.0.0/20".into(), 33.into(), 0.into()]);
        invalid_msg("cidrSubnet", &["fdad::/48".into(), 129.into(), 0.into()]);
        invalid_msg(
            "cidrSubnet",
            &["10.144.0.0/20".into(), (-24).into(), 0.into()],
        );
        invalid_msg(
            "cidrSubnet",
            &["10.144.0.0/20".into(), "24".into(), 0.into()],
        );
        invalid_msg("cidrSubnet", &["10.144.0.0".into(), 24.into(), 0.into()]);
    }

    #[test]
    fn cidr_host_documented_examples() {
        let v4: Vec<String> = (0..5)
            .map(|i| text("cidrHost", &["10.144.3.0/24".into(), i.into()]))
            .collect();
        assert_eq!(
            v4,
            [
                "10.144.3.1",
                "10.144.3.2",
                "10.144.3.3",
                "10.144.3.4",
                "10.144.3.5"
            ]
        );
        let v6: Vec<String> = (0..5)
            .map(|i| text("cidrHost", &["fdad:3236:5555:3000::/52".into(), i.into()]))
            .collect();
        assert_eq!(
            v6,
            [
                "fdad:3236:5555:3000::1",
                "fdad:3236:5555:3000::2",
                "fdad:3236:5555:3000::3",
                "fdad:3236:5555:3000::4",
                "fdad:3236:5555:3000::5"
            ]
        );
        // The docs' 192.168.1.0/24 walk-through: index 0 is .1; index 3 the first Azure host.
        assert_eq!(
            text("cidrHost", &["192.168.1.0/24".into(), 0.into()]),
            "192.168.1.1"
        );
        assert_eq!(
            text("cidrHost", &["192.168.1.0/24".into(), 3.into()]),
            "192.168.1.4"
        );
    }

    #[test]
    fn cidr_host_edges() {
        assert_eq!(
            text("cidrHost", &["192.168.1.0/24".into(), 253.into()]),
            "192.168.1.254"
        );
        let m = invalid_msg("cidrHost", &["192.168.1.0/24".into(), 254.into()]);
        assert!(m.contains("254 usable"), "{m}");
        invalid_msg("cidrHost", &["192.168.1.0/24".into(), (-1).into()]);
        assert_eq!(
            text("cidrHost", &["10.0.0.0/30".into(), 1.into()]),
            "10.0.0.2"
        );
        invalid_msg("cidrHost", &["10.0.0.0/30".into(), 2.into()]);
        invalid_msg("cidrHost", &["10.0.0.0/32".into(), 0.into()]);
        invalid_msg("cidrHost", &["10.0.0.0/31".into(), 0.into()]);
        // Host bits in the input are ignored.
        assert_eq!(
            text("cidrHost", &["10.144.3.77/24".into(), 0.into()]),
            "10.144.3.1"
        );
        // IPv6: the last address is a host; beyond it is not.
        assert_eq!(
            text("cidrHost", &["2001:db8::/126".into(), 2.into()]),
            "2001:db8::3"
        );
        invalid_msg("cidrHost", &["2001:db8::/126".into(), 3.into()]);
        invalid_msg("cidrHost", &["2001:db8::1/128".into(), 0.into()]);
        assert_eq!(
            text("cidrHost", &["::/0".into(), i64::MAX.into()]),
            "::8000:0:0:0"
        );
        invalid_msg("cidrHost", &["10.0.0.0/24".into(), Value::Float(1.5)]);
        invalid_msg("cidrHost", &["10.0.0.0/24".into()]);
    }
}

//! The facts handed to [`crate::diagnose`]: the files of one installation, the host, the
//! symptom, and the context (target, OS, host name, reference time).
//!
//! Every host fact is optional: unknown is `None`, never a guess. The JSON shape of
//! [`HostFacts`] is published as a JSON Schema in `docs/facts.schema.json` (generated from these
//! types by `cargo run --example gen_schema`, checked by a test).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::limits::Limits;
use crate::secret::Password;

/// The platforms certdoctor knows.
pub const TARGETS: &[&str] = &[
    "iis", "exchange", "nginx", "apache", "codesign", "java", "generic",
];

/// One input file: its name (for messages) and its bytes.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct InputFile {
    /// Name shown in the report (usually the path as given).
    pub name: String,
    /// Raw contents (base64 in JSON).
    #[serde(with = "b64")]
    #[schemars(with = "String")]
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for InputFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // File contents may hold private keys: only the size is shown.
        f.debug_struct("InputFile")
            .field("name", &self.name)
            .field("len", &self.bytes.len())
            .finish()
    }
}

impl InputFile {
    /// A file from a name and bytes.
    pub fn new(name: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        InputFile {
            name: name.into(),
            bytes: bytes.into(),
        }
    }
}

mod b64 {
    use base64ct::{Base64, Encoding};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&Base64::encode_string(v))
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let s = String::deserialize(d)?;
        Base64::decode_vec(s.trim()).map_err(serde::de::Error::custom)
    }
}

/// Everything known about one installation.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Facts {
    /// The files of the installation (certificates, keys, CSRs, chains, PKCS#12, PKCS#7).
    #[serde(default)]
    pub files: Vec<InputFile>,
    /// Extra trusted root certificates (added to the built-in Mozilla roots).
    #[serde(default)]
    pub trust: Vec<InputFile>,
    /// Passwords for PKCS#12 files and encrypted keys. Never serialized.
    #[serde(skip)]
    pub passwords: Vec<Password>,
    /// Facts about the host.
    #[serde(default)]
    pub host: HostFacts,
    /// The observed error: a code in any form, or a pasted log line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The platform: iis, exchange, nginx, apache, codesign, java or generic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// The OS by name, e.g. windows-server-2016, windows-10-1607, ubuntu-24.04.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os: Option<String>,
    /// The host name the certificate must cover.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_name: Option<String>,
    /// The reference time, RFC 3339. Without it nothing is judged expired or not yet valid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub now: Option<String>,
    /// Work bounds.
    #[serde(skip)]
    pub limits: Limits,
}

macro_rules! group {
    ($(#[$m:meta])* $name:ident { $($(#[$fm:meta])* $field:ident : $ty:ty),* $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            $($(#[$fm])* #[serde(default, skip_serializing_if = "Option::is_none")] pub $field: Option<$ty>,)*
        }
    };
}

group!(
    /// Operating system.
    OsFacts {
        /// windows or linux.
        family: String,
        /// e.g. windows-server-2016.
        name: String,
        /// e.g. 10.0.14393.
        version: String,
        /// Windows build number.
        build: u32,
        /// Server 2003 SHA-256 update installed.
        sha256_update: bool,
    }
);
group!(
    /// The host clock.
    ClockFacts {
        /// The host's clock at the failure, RFC 3339.
        now: String,
    }
);
group!(
    /// The installing account.
    UserFacts {
        /// Local administrator.
        is_admin: bool,
        /// Running elevated.
        is_elevated: bool,
    }
);
group!(
    /// Domain membership and policy.
    DomainFacts {
        /// Joined to a domain.
        joined: bool,
        /// Policy restricts crypto service, registry or stores.
        policy_restricts_crypto: bool,
    }
);
group!(
    /// How the import was done.
    ImportFacts {
        /// iis_manager, certlm, certmgr, certutil, powershell, wizard, exchange, keytool, other.
        tool: String,
        /// current_user or local_machine.
        store_location: String,
        /// My, Root, CA, WebHosting.
        store_name: String,
        /// Ran over WinRM / remote PowerShell.
        remote_session: bool,
        /// The remote session delegates credentials.
        credential_delegation: bool,
        /// Provider used by the import.
        provider: String,
        /// Another tool imports the same file fine.
        other_tools_work: bool,
    }
);
group!(
    /// Service states: running, stopped, disabled, missing.
    ServiceFacts {
        /// Cryptographic Services.
        cryptsvc: String,
        /// World Wide Web Publishing Service.
        w3svc: String,
        /// MSExchangeTransport.
        exchange_transport: String,
    }
);
group!(
    /// IIS.
    IisFacts {
        /// Web server role installed.
        installed: bool,
        /// Management tools installed and working.
        management_tools_ok: bool,
        /// No missing or damaged components.
        components_ok: bool,
    }
);
group!(
    /// The certificate's private key on the host.
    KeyFacts {
        /// The store holds the key.
        present: bool,
        /// CSP/KSP name.
        provider: String,
        /// csp, ksp or hardware.
        provider_kind: String,
        /// On a token / smart card / HSM.
        hardware: bool,
        /// Marked exportable.
        exportable: bool,
        /// current_user or local_machine.
        location: String,
        /// The account can read it.
        user_can_read: bool,
        /// Exchange's accounts can read it.
        exchange_can_read: bool,
        /// certutil -repairstore succeeded.
        repairstore_ok: bool,
    }
);
group!(
    /// Where the CSR came from.
    CsrFacts {
        /// Provider that generated the CSR key.
        provider: String,
        /// Generated on this host.
        made_on_this_host: bool,
        /// The pending request is still present.
        pending_request_present: bool,
    }
);
group!(
    /// Hardware token.
    TokenFacts {
        /// Attached.
        present: bool,
        /// Driver works.
        driver_ok: bool,
    }
);
group!(
    /// Crypto registry keys.
    RegistryFacts {
        /// HKLM\SOFTWARE\Microsoft\Cryptography ACLs are normal.
        crypto_acl_ok: bool,
    }
);
group!(
    /// Crypto key folders.
    MachineKeysFacts {
        /// ACLs normal.
        acl_ok: bool,
        /// Marked read-only.
        read_only: bool,
    }
);
group!(
    /// Security software.
    SecurityFacts {
        /// Products installed.
        products: Vec<String>,
        /// Real-time protection on.
        realtime_protection: bool,
        /// A blocked write was logged.
        blocked_event: bool,
    }
);
group!(
    /// COM registration.
    ComFacts {
        /// Crypto COM libraries registered.
        crypto_dlls_registered: bool,
    }
);
group!(
    /// Network reachability.
    NetworkFacts {
        /// A proxy is configured.
        proxy_configured: bool,
        /// The network requires a proxy.
        proxy_required: bool,
        /// The proxy reaches CRL/OCSP hosts.
        proxy_ok: bool,
        /// CRL/OCSP URLs can be fetched.
        revocation_reachable: bool,
        /// A firewall blocks outbound HTTP/HTTPS.
        firewall_blocks_outbound: bool,
        /// URLs that failed.
        unreachable_urls: Vec<String>,
        /// The timestamp server is reachable.
        timestamp_reachable: bool,
    }
);
group!(
    /// Linux file facts.
    LinuxFacts {
        /// Certificate file mode, octal.
        cert_file_mode: String,
        /// Key file mode, octal.
        key_file_mode: String,
        /// Key file owner.
        key_owner: String,
        /// The server can read the key.
        server_can_read_key: bool,
        /// The server can read the certificate.
        server_can_read_cert: bool,
    }
);
group!(
    /// SELinux.
    SelinuxFacts {
        /// enforcing, permissive, disabled.
        mode: String,
        /// Certificate file type label.
        cert_label: String,
        /// Key file type label.
        key_label: String,
        /// AVC denials logged.
        avc_denials: bool,
    }
);
group!(
    /// Code signing.
    CodesignFacts {
        /// Timestamp URL used.
        timestamp_url: String,
        /// Provider can sign.
        provider_can_sign: bool,
    }
);

/// Facts about the host, as a collector script reports them. Every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HostFacts {
    /// Operating system.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os: Option<OsFacts>,
    /// Host clock.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clock: Option<ClockFacts>,
    /// Installing account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<UserFacts>,
    /// Domain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<DomainFacts>,
    /// Import.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub import: Option<ImportFacts>,
    /// Services.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub services: Option<ServiceFacts>,
    /// IIS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iis: Option<IisFacts>,
    /// Private key on the host.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<KeyFacts>,
    /// CSR origin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csr: Option<CsrFacts>,
    /// Hardware token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<TokenFacts>,
    /// Crypto registry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registry: Option<RegistryFacts>,
    /// Crypto key folders.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub machinekeys: Option<MachineKeysFacts>,
    /// Security software.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security: Option<SecurityFacts>,
    /// COM registration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub com: Option<ComFacts>,
    /// Network.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<NetworkFacts>,
    /// Application using the key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app: Option<String>,
    /// Client populations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clients: Option<Vec<String>>,
    /// Linux files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub linux: Option<LinuxFacts>,
    /// SELinux.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selinux: Option<SelinuxFacts>,
    /// Code signing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub codesign: Option<CodesignFacts>,
}

/// What an OS name tells: family, version and build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OsInfo {
    /// windows, linux or macos.
    pub family: &'static str,
    /// Dotted version when known (Windows).
    pub version: Option<&'static str>,
    /// Windows build when known.
    pub build: Option<u32>,
}

/// Interprets an OS name as given to `--os` (`windows-server-2016`, `windows-10-1607`,
/// `win2012r2`, `ubuntu-24.04`, `rhel-9`, ...).
///
/// ```
/// let os = certdoctor::facts::os_info("Windows-Server-2016").unwrap();
/// assert_eq!((os.family, os.build), ("windows", Some(14393)));
/// assert_eq!(certdoctor::facts::os_info("ubuntu-24.04").unwrap().family, "linux");
/// ```
pub fn os_info(name: &str) -> Option<OsInfo> {
    let n = name.trim().to_ascii_lowercase().replace([' ', '_'], "-");
    let win = |version: &'static str, build: u32| {
        Some(OsInfo {
            family: "windows",
            version: Some(version),
            build: Some(build),
        })
    };
    let server = [
        ("2003", "5.2.3790", 3790),
        ("2008r2", "6.1.7601", 7601),
        ("2008-r2", "6.1.7601", 7601),
        ("2008", "6.0.6002", 6002),
        ("2012r2", "6.3.9600", 9600),
        ("2012-r2", "6.3.9600", 9600),
        ("2012", "6.2.9200", 9200),
        ("2016", "10.0.14393", 14393),
        ("2019", "10.0.17763", 17763),
        ("2022", "10.0.20348", 20348),
        ("2025", "10.0.26100", 26100),
    ];
    let is_win = n.starts_with("win");
    if is_win && (n.contains("server") || n.starts_with("win20") || n.starts_with("win2k")) {
        for (y, v, b) in server {
            if n.contains(y) {
                return win(v, b);
            }
        }
        return Some(OsInfo {
            family: "windows",
            version: None,
            build: None,
        });
    }
    if is_win {
        let tens = [
            ("1507", 10240),
            ("1511", 10586),
            ("1607", 14393),
            ("1703", 15063),
            ("1709", 16299),
            ("1803", 17134),
            ("1809", 17763),
            ("1903", 18362),
            ("1909", 18363),
            ("2004", 19041),
            ("20h2", 19042),
            ("21h1", 19043),
            ("21h2", 19044),
            ("22h2", 19045),
        ];
        if n.contains("xp") {
            return win("5.1.2600", 2600);
        }
        if n.contains("vista") {
            return win("6.0.6002", 6002);
        }
        if n.contains("-7") || n == "win7" {
            return win("6.1.7601", 7601);
        }
        if n.contains("8.1") {
            return win("6.3.9600", 9600);
        }
        if n.contains("11") {
            return win("10.0.22000", 22000);
        }
        if n.contains("10") {
            for (rel, b) in tens {
                if n.contains(rel) {
                    return Some(OsInfo {
                        family: "windows",
                        version: None,
                        build: Some(b),
                    });
                }
            }
        }
        return Some(OsInfo {
            family: "windows",
            version: None,
            build: None,
        });
    }
    let linux = [
        "linux", "ubuntu", "debian", "rhel", "redhat", "centos", "rocky", "alma", "fedora", "suse",
        "sles", "opensuse", "amazon", "alpine", "arch", "oracle",
    ];
    if linux.iter().any(|d| n.starts_with(d)) {
        return Some(OsInfo {
            family: "linux",
            version: None,
            build: None,
        });
    }
    if n.starts_with("mac") || n.starts_with("darwin") {
        return Some(OsInfo {
            family: "macos",
            version: None,
            build: None,
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn os_names() {
        let b = |s: &str| os_info(s).and_then(|o| o.build);
        assert_eq!(b("windows-server-2012-r2"), Some(9600));
        assert_eq!(b("windows-server-2019"), Some(17763));
        assert_eq!(b("windows-10-1709"), Some(16299));
        assert_eq!(b("windows-server-2003"), Some(3790));
        assert_eq!(b("windows-xp"), Some(2600));
        assert_eq!(os_info("rhel-9").map(|o| o.family), Some("linux"));
        assert_eq!(os_info("plan9"), None);
    }

    #[test]
    fn host_facts_reject_unknown_fields_with_their_path() {
        let e = serde_json::from_str::<HostFacts>(r#"{"user":{"is_admn":true}}"#).unwrap_err();
        assert!(e.to_string().contains("is_admn"));
        let h: HostFacts = serde_json::from_str(r#"{"user":{"is_admin":false}}"#).unwrap();
        assert_eq!(h.user.unwrap().is_admin, Some(false));
    }

    #[test]
    fn input_file_debug_hides_contents() {
        let f = InputFile::new("k.pem", b"-----BEGIN PRIVATE KEY-----SECRET".to_vec());
        assert!(!format!("{f:?}").contains("SECRET"));
    }
}

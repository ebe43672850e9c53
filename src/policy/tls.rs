//! Refused TLS connections, in the user's terms: what was wrong with the certificate (made by
//! the server itself, from an authority this computer does not know, expired, for another
//! name, not the one the user trusted) or with the server (plain HTTP on a TLS port), and the
//! certificate itself — subject, issuer, validity, names, SHA-256 fingerprint — so the user
//! can judge it.
//!
//! Pure data and words; the network edge fills it in.

/// A certificate as the server presented it.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct CertificateInfo {
    pub subject: String,
    pub issuer: String,
    /// Validity, as `2026-12-01 21:05 UTC`.
    pub not_before: String,
    pub not_after: String,
    /// The DNS names and addresses it is valid for.
    pub names: Vec<String>,
    /// SHA-256 of the certificate, as colon-separated hex pairs.
    pub sha256: String,
    /// Issued by its own subject: nobody else vouches for it.
    pub self_signed: bool,
}

/// What was wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TlsProblem {
    SelfSigned,
    UnknownIssuer,
    Expired,
    NotYetValid,
    /// The certificate does not name the host that was asked for.
    WrongName,
    /// Not the certificate the user trusted for this host and port; its fingerprint.
    Changed {
        trusted: String,
    },
    /// The server answered in plain HTTP.
    PlainHttp,
    /// Anything else, in rustls's words.
    Other(String),
}

/// A TLS connection that was not set up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlsFailure {
    /// `host:port` as connected to.
    pub host_port: String,
    pub problem: TlsProblem,
    /// The certificate presented, when the handshake got that far.
    pub certificate: Option<CertificateInfo>,
}

impl TlsFailure {
    pub fn other(host_port: &str, detail: impl Into<String>) -> TlsFailure {
        TlsFailure {
            host_port: host_port.to_string(),
            problem: TlsProblem::Other(detail.into()),
            certificate: None,
        }
    }

    /// The user may choose to trust the certificate for this host and port: one was
    /// presented, and the refusal was about who vouches for it, not about a changed one.
    pub fn can_be_trusted(&self) -> bool {
        self.certificate.is_some()
            && matches!(
                self.problem,
                TlsProblem::SelfSigned
                    | TlsProblem::UnknownIssuer
                    | TlsProblem::Expired
                    | TlsProblem::NotYetValid
                    | TlsProblem::WrongName
            )
    }

    /// Title, what happened, and what to do.
    pub fn describe(&self, host: &str) -> (String, String, String) {
        let cert = self.certificate.as_ref();
        let names =
            cert.map(|c| c.names.join(", ")).filter(|n| !n.is_empty()).unwrap_or_else(|| "no names".into());
        let trust = format!(
            "If this is a server you run or one on a network you trust, compare the certificate's SHA-256 fingerprint with the one its owner gives you; in the browser, A then trusts this certificate for {}.",
            self.host_port
        );
        let (title, what, advice) = match &self.problem {
            TlsProblem::SelfSigned => (
                "Self-signed certificate".to_string(),
                format!("{host} presented a certificate it signed itself: no certificate authority vouches that it belongs to {host}, so anyone between you and the server could have made it."),
                trust,
            ),
            TlsProblem::UnknownIssuer => (
                "Certificate from an unknown authority".to_string(),
                format!(
                    "{host}'s certificate was issued by {}, which is not among the authorities this computer trusts (margay's built-in list, the system's store, SSL_CERT_FILE / SSL_CERT_DIR, and ca_file in config.toml).",
                    cert.map_or("an authority", |c| c.issuer.as_str())
                ),
                format!("For a private network's authority, add its certificate with ca_file in config.toml or SSL_CERT_FILE. {trust}"),
            ),
            TlsProblem::Expired => (
                "Expired certificate".to_string(),
                format!(
                    "{host}'s certificate expired on {} (it was valid from {}).",
                    cert.map_or("an earlier date", |c| c.not_after.as_str()),
                    cert.map_or("an earlier date", |c| c.not_before.as_str())
                ),
                format!("If this computer's clock is right, the server's owner must renew the certificate. {trust}"),
            ),
            TlsProblem::NotYetValid => (
                "Certificate not valid yet".to_string(),
                format!(
                    "{host}'s certificate is valid only from {}.",
                    cert.map_or("a later date", |c| c.not_before.as_str())
                ),
                format!("Check this computer's date and time. {trust}"),
            ),
            TlsProblem::WrongName => (
                "Certificate for another name".to_string(),
                format!("{host}'s certificate is valid for {names}, not for {host}."),
                format!("Check the address; the server may be reachable under one of those names. {trust}"),
            ),
            TlsProblem::Changed { trusted } => (
                "Certificate changed — connection refused".to_string(),
                format!(
                    "The certificate of {} is NOT the one you trusted. Trusted: {trusted}. Presented now: {}. The server may have a new certificate — or someone is intercepting the connection.",
                    self.host_port,
                    cert.map_or("(unknown)", |c| c.sha256.as_str())
                ),
                format!(
                    "Do not go on unless you know why it changed. If you do, remove the old trust with `margay certs remove {}` and reload.",
                    self.host_port
                ),
            ),
            TlsProblem::PlainHttp => (
                "Not a TLS server".to_string(),
                format!("{} answered in plain HTTP, not TLS: the address says https://, but the server on that port speaks http://.", self.host_port),
                "Try the address with http:// instead, or the server's TLS port (usually 443).".to_string(),
            ),
            TlsProblem::Other(detail) => (
                "Secure connection failed".to_string(),
                format!("The encrypted (TLS) connection to {host} could not be set up safely, so nothing was shown. (Details: {}.)", super::diagnosis::clean(detail)),
                "Reload to try again; do not go on over a network you do not trust.".to_string(),
            ),
        };
        (title, what, advice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cert() -> CertificateInfo {
        CertificateInfo {
            subject: "CN=box".into(),
            issuer: "CN=Home CA".into(),
            not_before: "2026-01-01 00:00 UTC".into(),
            not_after: "2026-02-01 00:00 UTC".into(),
            names: vec!["box.lan".into(), "10.0.0.2".into()],
            sha256: "AB:CD".into(),
            self_signed: false,
        }
    }

    #[test]
    fn each_problem_says_what_it_is_and_what_to_do() {
        let failure =
            |problem| TlsFailure { host_port: "box:443".into(), problem, certificate: Some(cert()) };
        let (title, what, advice) = failure(TlsProblem::UnknownIssuer).describe("box");
        assert_eq!(title, "Certificate from an unknown authority");
        assert!(
            what.contains("CN=Home CA") && advice.contains("ca_file") && advice.contains("A then trusts"),
            "{what} {advice}"
        );
        let (_, what, _) = failure(TlsProblem::Expired).describe("box");
        assert!(what.contains("expired on 2026-02-01 00:00 UTC"), "{what}");
        let (_, what, _) = failure(TlsProblem::WrongName).describe("box");
        assert!(what.contains("box.lan, 10.0.0.2"), "{what}");
        let changed = failure(TlsProblem::Changed { trusted: "11:22".into() });
        let (title, what, advice) = changed.describe("box");
        assert!(title.contains("changed") && what.contains("11:22") && what.contains("AB:CD"), "{what}");
        assert!(advice.contains("margay certs remove box:443"), "{advice}");
        assert!(!changed.can_be_trusted(), "a changed certificate is never trusted from the page");
        let (_, _, advice) = failure(TlsProblem::PlainHttp).describe("box");
        assert!(advice.contains("http://") && !advice.contains("clock"), "{advice}");
        assert!(failure(TlsProblem::SelfSigned).can_be_trusted());
    }
}

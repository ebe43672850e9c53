//! TLS for ureq, margay's way: rustls with the built-in roots (webpki-roots), the system's CA
//! store, `SSL_CERT_FILE` / `SSL_CERT_DIR` (rustls-native-certs reads them) and the `ca_file`
//! setting; certificates the user chose to trust for one host and port honoured; and every
//! refusal explained — the certificate presented, and what was wrong with it.
//!
//! ureq's own rustls connector takes only a root list, so it can neither pin a certificate
//! nor say which certificate it refused; this one is the same few lines around rustls with a
//! verifier that can. It must never accept a certificate the user did not choose and no
//! trusted authority vouches for.

use crate::policy::{CertificateInfo, TlsFailure, TlsProblem};
use crate::store::trusted_certs::TrustedCerts;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::CryptoProvider;
use rustls::{
    CertificateError, ClientConfig, ClientConnection, DigitallySignedStruct, RootCertStore, StreamOwned,
};
use rustls_pki_types::pem::PemObject as _;
use rustls_pki_types::{CertificateDer, ServerName, UnixTime};
use sha2::Digest as _;
use std::cell::RefCell;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock, RwLock};
use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, Either, LazyBuffers, NextTimeout, Transport, TransportAdapter,
};

/// Where trusted authorities come from, beyond the built-in list.
#[derive(Clone, Debug, Default)]
pub struct TlsSettings {
    /// `ca_file` in config.toml: PEM certificates of authorities to trust.
    pub ca_file: Option<PathBuf>,
}

/// What every TLS connection of a client shares: the roots (built on first use, so that a
/// page over http never pays for reading the system store) and the trusted certificates.
#[derive(Debug)]
pub struct Tls {
    settings: TlsSettings,
    provider: Arc<CryptoProvider>,
    verifier: OnceLock<Result<Arc<WebPkiServerVerifier>, String>>,
    /// Problems met while loading the roots (a ca_file that cannot be read …).
    notes: OnceLock<Vec<String>>,
    pub trusted: Arc<RwLock<TrustedCerts>>,
    resumption: rustls::client::Resumption,
}

impl Tls {
    pub fn new(settings: TlsSettings, trusted: TrustedCerts) -> Tls {
        Tls {
            settings,
            provider: Arc::new(rustls::crypto::ring::default_provider()),
            verifier: OnceLock::new(),
            notes: OnceLock::new(),
            trusted: Arc::new(RwLock::new(trusted)),
            resumption: rustls::client::Resumption::default(),
        }
    }

    fn verifier(&self) -> Result<Arc<WebPkiServerVerifier>, String> {
        self.verifier
            .get_or_init(|| {
                let (roots, notes) = load_roots(&self.settings);
                let _ = self.notes.set(notes);
                WebPkiServerVerifier::builder_with_provider(Arc::new(roots), self.provider.clone())
                    .build()
                    .map_err(|e| {
                        format!(
                            "no usable certificate authorities ({})",
                            crate::plain::debug_words(&e.to_string())
                        )
                    })
            })
            .clone()
    }

    /// What went wrong loading the roots, once a TLS connection has loaded them.
    pub fn notes(&self) -> Vec<String> {
        self.notes.get().cloned().unwrap_or_default()
    }
}

fn load_roots(settings: &TlsSettings) -> (RootCertStore, Vec<String>) {
    let mut roots = RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
    let mut notes = Vec::new();
    let native = rustls_native_certs::load_native_certs();
    for error in native.errors.iter().take(3) {
        notes.push(format!(
            "the system's certificate store: {}",
            crate::plain::debug_words(&error.to_string())
        ));
    }
    roots.add_parsable_certificates(native.certs);
    if let Some(file) = &settings.ca_file {
        match CertificateDer::pem_file_iter(file) {
            Ok(certs) => {
                let certs: Vec<_> = certs.filter_map(Result::ok).collect();
                let (added, _) = roots.add_parsable_certificates(certs);
                if added == 0 {
                    notes.push(format!("ca_file {}: no certificate in it could be used", file.display()));
                }
            }
            Err(e) => notes.push(format!(
                "ca_file {}: cannot be read ({})",
                file.display(),
                crate::plain::debug_words(&e.to_string())
            )),
        }
    }
    (roots, notes)
}

thread_local! {
    /// The certificate the last handshake on this thread was shown, and why it was refused.
    static PRESENTED: RefCell<Option<(Vec<u8>, Option<TlsProblem>)>> = const { RefCell::new(None) };
}

/// Checks a server's certificate: the user's choice for this host and port first, then the
/// trusted authorities.
#[derive(Debug)]
struct Verifier {
    webpki: Arc<WebPkiServerVerifier>,
    trusted: Arc<RwLock<TrustedCerts>>,
    host_port: String,
}

impl ServerCertVerifier for Verifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let fingerprint = fingerprint(end_entity);
        let pinned = self.trusted.write().ok().and_then(|mut t| {
            // What `margay certs remove` did in another terminal counts from the next connection.
            t.refresh_if_changed();
            t.fingerprint_for(&self.host_port).map(str::to_string)
        });
        let refusal = match pinned {
            Some(pinned) if pinned == fingerprint => None,
            Some(pinned) => Some(TlsProblem::Changed { trusted: pinned }),
            None => match self.webpki.verify_server_cert(
                end_entity,
                intermediates,
                server_name,
                ocsp_response,
                now,
            ) {
                Ok(_) => None,
                Err(e) => Some(problem_of(&e, end_entity)),
            },
        };
        let failed = refusal.is_some();
        PRESENTED.with(|p| *p.borrow_mut() = Some((end_entity.to_vec(), refusal)));
        if failed {
            Err(rustls::Error::InvalidCertificate(CertificateError::ApplicationVerificationFailure))
        } else {
            Ok(ServerCertVerified::assertion())
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.webpki.supported_verify_schemes()
    }
}

fn problem_of(error: &rustls::Error, end_entity: &CertificateDer<'_>) -> TlsProblem {
    use CertificateError as C;
    let self_signed = certificate_info(end_entity).is_some_and(|c| c.self_signed);
    match error {
        rustls::Error::InvalidCertificate(e) => match e {
            C::UnknownIssuer | C::BadSignature if self_signed => TlsProblem::SelfSigned,
            C::UnknownIssuer => TlsProblem::UnknownIssuer,
            C::Expired | C::ExpiredContext { .. } => TlsProblem::Expired,
            C::NotValidYet | C::NotValidYetContext { .. } => TlsProblem::NotYetValid,
            C::NotValidForName | C::NotValidForNameContext { .. } => TlsProblem::WrongName,
            // webpki's word for a self-signed certificate that says it is an authority.
            C::Other(other) if self_signed || other.to_string().contains("CaUsedAsEndEntity") => {
                TlsProblem::SelfSigned
            }
            other => TlsProblem::Other(describe_certificate_error(other)),
        },
        other => TlsProblem::Other(describe_rustls_error(other)),
    }
}

fn describe_certificate_error(e: &CertificateError) -> String {
    match e {
        CertificateError::Revoked => "the certificate was revoked by its issuer".into(),
        CertificateError::BadEncoding => "the certificate is malformed".into(),
        CertificateError::InvalidPurpose | CertificateError::InvalidPurposeContext { .. } => {
            "the certificate is not meant for a web server".into()
        }
        CertificateError::BadSignature => "the certificate's signature does not match its issuer".into(),
        CertificateError::UnsupportedSignatureAlgorithmContext { .. } => {
            "the certificate is signed in a way margay does not support".into()
        }
        CertificateError::UnhandledCriticalExtension => {
            "the certificate has a critical extension margay does not know".into()
        }
        CertificateError::ApplicationVerificationFailure => "the certificate was refused".into(),
        // webpki's reasons print as their enum names (`UnsupportedCertVersion`).
        CertificateError::Other(other) => {
            format!("the certificate was refused: {}", crate::plain::debug_words(&other.to_string()))
        }
        other => format!("the certificate was refused: {}", crate::plain::debug_words(&other.to_string())),
    }
}

/// A TLS error other than a refused certificate, in words. rustls prints most of its reasons
/// as enum names (`received fatal alert: HandshakeFailure`).
pub(crate) fn describe_rustls_error(e: &rustls::Error) -> String {
    use rustls::Error as E;
    let words = |debug: String| crate::plain::camel_words(&debug);
    match e {
        E::InvalidCertificate(e) => describe_certificate_error(e),
        E::AlertReceived(alert) => {
            format!("the server ended the TLS handshake ({})", words(format!("{alert:?}")))
        }
        E::PeerIncompatible(why) => {
            format!(
                "the server and margay have no TLS version or cipher in common ({})",
                words(format!("{why:?}"))
            )
        }
        E::PeerMisbehaved(why) => {
            format!("the server broke the TLS protocol ({})", words(format!("{why:?}")))
        }
        E::InvalidMessage(why) => {
            format!("the server sent something that is not valid TLS ({})", words(format!("{why:?}")))
        }
        E::NoCertificatesPresented => "the server presented no certificate".to_string(),
        E::DecryptError => "the server's messages could not be decrypted".to_string(),
        E::General(why) => crate::plain::debug_words(why),
        other => crate::plain::debug_words(&other.to_string()),
    }
}

/// SHA-256 of a certificate, as `AB:CD:…`.
pub fn fingerprint(der: &[u8]) -> String {
    let digest = sha2::Sha256::digest(der);
    digest.iter().map(|b| format!("{b:02X}")).collect::<Vec<_>>().join(":")
}

/// Subject, issuer, validity, names and fingerprint of a DER certificate.
pub fn certificate_info(der: &[u8]) -> Option<CertificateInfo> {
    use x509_parser::prelude::*;
    let (_, cert) = X509Certificate::from_der(der).ok()?;
    let when = |t: &ASN1Time| {
        let d = t.to_datetime();
        format!(
            "{}-{:02}-{:02} {:02}:{:02} UTC",
            d.year(),
            u8::from(d.month()),
            d.day(),
            d.hour(),
            d.minute()
        )
    };
    let mut names = Vec::new();
    if let Ok(Some(san)) = cert.subject_alternative_name() {
        for name in &san.value.general_names {
            match name {
                GeneralName::DNSName(n) => names.push(n.to_string()),
                GeneralName::IPAddress(bytes) => match bytes.len() {
                    4 => names
                        .push(std::net::Ipv4Addr::new(bytes[0], bytes[1], bytes[2], bytes[3]).to_string()),
                    16 => {
                        let mut octets = [0u8; 16];
                        octets.copy_from_slice(bytes);
                        names.push(std::net::Ipv6Addr::from(octets).to_string());
                    }
                    _ => {}
                },
                _ => {}
            }
        }
    }
    let subject = cert.subject().to_string();
    let issuer = cert.issuer().to_string();
    Some(CertificateInfo {
        self_signed: cert.subject().as_raw() == cert.issuer().as_raw(),
        subject: crate::sanitize::line(&subject).into_owned(),
        issuer: crate::sanitize::line(&issuer).into_owned(),
        not_before: when(&cert.validity().not_before),
        not_after: when(&cert.validity().not_after),
        names: names.iter().map(|n| crate::sanitize::line(n).into_owned()).collect(),
        sha256: fingerprint(der),
    })
}

/// The refusal of the last handshake on this thread, if the certificate was refused; any other
/// TLS error is described from `error`.
pub(super) fn failure_for(host_port: &str, error: &std::io::Error) -> TlsFailure {
    let presented = PRESENTED.with(|p| p.borrow_mut().take());
    let certificate = presented.as_ref().and_then(|(der, _)| certificate_info(der));
    if let Some((_, Some(problem))) = presented {
        return TlsFailure { host_port: host_port.to_string(), problem, certificate };
    }
    let problem = match rustls_error(error) {
        Some(rustls::Error::InvalidMessage(rustls::InvalidMessage::InvalidContentType))
        | Some(rustls::Error::InvalidMessage(rustls::InvalidMessage::InvalidEmptyPayload)) => {
            TlsProblem::PlainHttp
        }
        Some(e) => TlsProblem::Other(describe_rustls_error(e)),
        None => TlsProblem::Other(crate::plain::io(error)),
    };
    TlsFailure { host_port: host_port.to_string(), problem, certificate }
}

fn rustls_error(e: &std::io::Error) -> Option<&rustls::Error> {
    e.get_ref().and_then(|inner| inner.downcast_ref::<rustls::Error>())
}

/// The connector that puts TLS over the chained transport for https:// addresses.
#[derive(Debug)]
pub(super) struct TlsConnector {
    pub tls: Arc<Tls>,
}

/// A TLS handshake that failed, carried through ureq as an I/O error.
#[derive(Debug, thiserror::Error)]
#[error("TLS: {0:?}")]
pub(super) struct HandshakeFailed(pub TlsFailure);

impl<In: Transport> Connector<In> for TlsConnector {
    type Out = Either<In, TlsTransport>;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<In>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        let Some(transport) = chained else { return Ok(None) };
        if !details.needs_tls() || transport.is_tls() {
            return Ok(Some(Either::A(transport)));
        }
        let host = details.uri.host().unwrap_or("").trim_start_matches('[').trim_end_matches(']').to_string();
        let port = details.uri.port_u16().unwrap_or(443);
        let host_port =
            if host.contains(':') { format!("[{host}]:{port}") } else { format!("{host}:{port}") };
        let refuse = |failure: TlsFailure| ureq::Error::Io(std::io::Error::other(HandshakeFailed(failure)));
        let webpki = self.tls.verifier().map_err(|e| refuse(TlsFailure::other(&host_port, e)))?;
        let verifier = Verifier { webpki, trusted: self.tls.trusted.clone(), host_port: host_port.clone() };
        let mut config = ClientConfig::builder_with_provider(self.tls.provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| refuse(TlsFailure::other(&host_port, describe_rustls_error(&e))))?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(verifier))
            .with_no_client_auth();
        config.resumption = self.tls.resumption.clone();
        let name = ServerName::try_from(host.clone()).map_err(|_| {
            refuse(TlsFailure::other(&host_port, format!("'{host}' is not a valid server name")))
        })?;
        PRESENTED.with(|p| *p.borrow_mut() = None);
        let mut conn = ClientConnection::new(Arc::new(config), name)
            .map_err(|e| refuse(TlsFailure::other(&host_port, describe_rustls_error(&e))))?;
        let mut sock = TransportAdapter::new(transport.boxed(), details.current_time.clone());
        sock.set_timeout(details.timeout);
        if let Err(e) = conn.complete_io(&mut sock) {
            // A timeout or a closed connection is not about TLS: say what it was.
            if rustls_error(&e).is_none()
                && matches!(e.kind(), std::io::ErrorKind::TimedOut | std::io::ErrorKind::ConnectionReset)
            {
                return Err(ureq::Error::Io(e));
            }
            return Err(refuse(failure_for(&host_port, &e)));
        }
        let buffers =
            LazyBuffers::new(details.config.input_buffer_size(), details.config.output_buffer_size());
        Ok(Some(Either::B(TlsTransport { buffers, stream: StreamOwned { conn, sock } })))
    }
}

/// A connection with TLS over the transport below.
pub(super) struct TlsTransport {
    buffers: LazyBuffers,
    stream: StreamOwned<ClientConnection, TransportAdapter>,
}

impl std::fmt::Debug for TlsTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TlsTransport")
    }
}

impl Transport for TlsTransport {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        self.stream.get_mut().set_timeout(timeout);
        let output = &self.buffers.output()[..amount];
        self.stream.write_all(output)?;
        Ok(())
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        self.stream.get_mut().set_timeout(timeout);
        let input = self.buffers.input_append_buf();
        let amount = self.stream.read(input)?;
        self.buffers.input_appended(amount);
        Ok(amount > 0)
    }

    fn is_open(&mut self) -> bool {
        self.stream.get_mut().get_mut().is_open()
    }

    fn is_tls(&self) -> bool {
        true
    }
}

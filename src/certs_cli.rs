//! `margay certs …`: list and remove the certificates the user chose to trust in the browser
//! (the `trusted-certs` file under the data directory, like ssh's known_hosts). Trusting is
//! done in the browser only, after the user saw the certificate and its fingerprint.
//!
//! Exit status: 0 done, 1 failed (or nothing to remove), 2 wrong command line. What came from
//! a certificate is printed without control characters.

use crate::sanitize;
use crate::store::paths::Paths;
use crate::store::trusted_certs::TrustedCerts;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
#[command(after_help = "Exit status: 0 done, 1 failed or nothing matched, 2 wrong command line.")]
pub struct CertsArgs {
    #[command(subcommand)]
    pub command: CertsCommand,
}

#[derive(clap::Subcommand, Debug)]
pub enum CertsCommand {
    /// Print the trusted certificates: host and port, SHA-256 fingerprint, when, subject.
    List,
    /// Stop trusting the certificate of HOST:PORT (or of every port of HOST).
    Remove {
        /// `host:port`, a host alone for all its ports, or an https:// address.
        host: String,
    },
}

/// `host:port` or `host` as typed, or taken from an address (`https://host:8443/x`).
fn host_port_of(given: &str) -> String {
    match url::Url::parse(given.trim()) {
        Ok(url) if url.host_str().is_some() && given.contains("://") => {
            let host = url.host_str().unwrap_or("");
            format!("{host}:{}", url.port_or_known_default().unwrap_or(443))
        }
        _ => given.trim().to_string(),
    }
}

pub fn run(args: CertsArgs) -> ExitCode {
    let (mut certs, warning) = TrustedCerts::load(Paths::from_env().trusted_certs_file());
    if let Some(warning) = warning {
        eprintln!("margay: {}", sanitize::line(&warning));
    }
    match args.command {
        CertsCommand::List => {
            if certs.entries().is_empty() {
                eprintln!("margay: no certificate is trusted beyond the usual authorities.");
            }
            for e in certs.entries() {
                println!(
                    "{}",
                    sanitize::line(&format!("{}  {}  {}  {}", e.host_port, e.sha256, e.added, e.subject))
                );
            }
            ExitCode::SUCCESS
        }
        CertsCommand::Remove { host } => match certs.remove(&host_port_of(&host)) {
            Ok(0) => {
                eprintln!("margay: no trusted certificate for {}", sanitize::line(&host));
                ExitCode::FAILURE
            }
            Ok(n) => {
                println!(
                    "Removed {n} trusted certificate{} for {}.",
                    if n == 1 { "" } else { "s" },
                    sanitize::line(&host)
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("margay: {}", sanitize::line(&e.to_string()));
                ExitCode::FAILURE
            }
        },
    }
}

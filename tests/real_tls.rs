//! margay against nginx over TLS with the certificates a private network has: self-signed,
//! from a private authority (trusted through ca_file or SSL_CERT_FILE), expired, for another
//! name, and https:// to a plain-HTTP port. Each refusal says what was wrong in plain words
//! with the certificate's details, and the browser can trust a certificate for its host and
//! port after the user saw its fingerprint.

mod common;

use common::servers::{self, margay, run, Run};
use common::Driver;
use margay::net::{Client, NetConfig};
use margay::store::trusted_certs::TrustedCerts;
use ratatui::crossterm::event::KeyCode;

fn dump_with(env: &[(&str, &str)], home: &std::path::Path, args: &[&str]) -> Run {
    let mut command = margay(home);
    for (k, v) in env {
        command.env(k, v);
    }
    command.arg("--dump").args(args);
    run(command)
}

fn driver(trusted_file: &std::path::Path, ca_file: Option<std::path::PathBuf>) -> Driver {
    let mut d = Driver::new(120, 60);
    let mut config =
        NetConfig { trusted: TrustedCerts::load(Some(trusted_file.to_path_buf())).0, ..NetConfig::default() };
    config.tls.ca_file = ca_file;
    d.set_client(Client::new(config));
    d
}

#[test]
fn each_refusal_says_what_was_wrong() {
    let Some(nginx) = servers::nginx() else { return };
    let home = tempfile::tempdir().unwrap();
    let ca = nginx.ca_file.display().to_string();
    // The expired and the misnamed certificates come from the private authority, trusted
    // here, so that what is wrong with them is all that is wrong.
    for (url, trust_ca, title, detail) in [
        (&nginx.self_signed, false, "Self-signed certificate", "signed itself"),
        (&nginx.private_ca, false, "Certificate from an unknown authority", "CN=margay test authority"),
        (&nginx.expired, true, "Expired certificate", "expired on"),
        (
            &nginx.wrong_name,
            true,
            "Certificate for another name",
            "valid for other.example, not for 127.0.0.1",
        ),
    ] {
        let env: &[(&str, &str)] = if trust_ca { &[("SSL_CERT_FILE", &ca)] } else { &[] };
        let out = dump_with(env, home.path(), &[&format!("{url}/index.html")]);
        assert_eq!(out.code, Some(1), "{url}: {}", out.stdout);
        assert!(out.stderr.contains(title) && out.stderr.contains(detail), "{url}: {}", out.stderr);
        for wrong in ["Other(", "OtherError", "CaUsedAsEndEntity"] {
            assert!(!out.stderr.contains(wrong), "{url}: {}", out.stderr);
        }
        if title != "Expired certificate" {
            assert!(!out.stderr.contains("clock"), "only an expiry is about the clock: {}", out.stderr);
        }
        assert!(!out.stdout.contains("margay test site"), "nothing of the page is shown");
    }
    // https:// to nginx's plain-HTTP port is not the certificate's fault.
    let plain = nginx.http.replace("http://", "https://");
    let out = dump_with(&[], home.path(), &[&plain]);
    assert_eq!(out.code, Some(1));
    assert!(out.stderr.contains("Not a TLS server") && out.stderr.contains("http://"), "{}", out.stderr);
}

#[test]
fn a_private_authority_is_trusted_through_ca_file_or_ssl_cert_file() {
    let Some(nginx) = servers::nginx() else { return };
    let url = format!("{}/index.html", nginx.private_ca);
    let home = tempfile::tempdir().unwrap();
    let ca = nginx.ca_file.display().to_string();
    let out = dump_with(&[("SSL_CERT_FILE", &ca)], home.path(), &[&url]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(out.stdout.contains("margay test site"));
    std::fs::create_dir_all(home.path().join("config/margay")).unwrap();
    std::fs::write(home.path().join("config/margay/config.toml"), format!("[network]\nca_file = \"{ca}\"\n"))
        .unwrap();
    let out = dump_with(&[], home.path(), &[&url]);
    assert_eq!(out.code, Some(0), "ca_file in config.toml: {}", out.stderr);
    // A ca_file that is not there is said at once, not found out at the first refusal.
    std::fs::write(
        home.path().join("config/margay/config.toml"),
        "[network]\nca_file = \"/nonexistent.pem\"\n",
    )
    .unwrap();
    let out = dump_with(&[], home.path(), &[&format!("{}/index.html", nginx.http)]);
    assert!(out.stderr.contains("ca_file /nonexistent.pem is not a file that can be read"), "{}", out.stderr);
    std::fs::write(home.path().join("config/margay/config.toml"), format!("[network]\nca_file = \"{ca}\"\n"))
        .unwrap();
    // The expired certificate of the same authority is still refused.
    let out = dump_with(&[], home.path(), &[&format!("{}/", nginx.expired)]);
    assert!(out.stderr.contains("Expired certificate"), "{}", out.stderr);
}

#[test]
fn the_browser_trusts_a_certificate_after_the_user_saw_it() {
    let Some(nginx) = servers::nginx() else { return };
    let home = tempfile::tempdir().unwrap();
    let trusted = home.path().join("data/margay/trusted-certs");
    let url = format!("{}/index.html", nginx.self_signed);
    let host_port = nginx.self_signed.trim_start_matches("https://").to_string();
    let mut d = driver(&trusted, None);
    d.open(&url);
    let text = d.page_text();
    for needle in [
        "Self-signed certificate",
        "Subject:",
        "CN=margay self-signed test",
        "Valid until:",
        "Names: localhost, 127.0.0.1",
        "SHA-256 fingerprint:",
        "Press A to trust",
    ] {
        assert!(text.contains(needle), "{needle}: {text}");
    }
    d.char('A');
    let screen = d.screen();
    assert!(screen.contains("Trust this certificate (SHA-256") && screen.contains(&host_port), "{screen}");
    d.char('n');
    assert!(!trusted.exists(), "nothing is trusted without a yes");
    d.char('A');
    d.char('y');
    assert!(
        d.page_text().contains("margay test site"),
        "reloaded over the trusted connection: {}",
        d.screen()
    );
    let file = std::fs::read_to_string(&trusted).unwrap();
    assert!(file.contains(&host_port), "{file}");

    // Another run of margay uses the trust; `certs list` shows it, `certs remove` ends it.
    let out = dump_with(&[], home.path(), &[&url]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let mut list = margay(home.path());
    list.args(["certs", "list"]);
    let listed = run(list);
    assert!(
        listed.stdout.contains(&host_port) && listed.stdout.contains("CN=margay self-signed test"),
        "{}",
        listed.stdout
    );

    // A different certificate where one is trusted is refused loudly, and cannot be waved on.
    let other = nginx.private_ca.trim_start_matches("https://");
    let changed = file.replace(&host_port, other);
    std::fs::write(&trusted, changed).unwrap();
    let mut d = driver(&trusted, Some(nginx.ca_file.clone()));
    d.open(&format!("{}/index.html", nginx.private_ca));
    let text = d.page_text().split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains("Certificate changed") && text.contains("NOT the one you trusted"), "{text}");
    assert!(text.contains(&format!("margay certs remove {other}")) && !text.contains("Press A"), "{text}");
    d.char('A');
    assert!(d.app.prompt().is_none(), "no way to trust a changed certificate from the page");

    let mut remove = margay(home.path());
    remove.args(["certs", "remove", &format!("https://{other}/index.html")]);
    assert_eq!(run(remove).code, Some(0));
    let mut d = driver(&trusted, Some(nginx.ca_file.clone()));
    d.open(&format!("{}/index.html", nginx.private_ca));
    assert!(d.page_text().contains("margay test site"), "{}", d.page_text());
    d.key(KeyCode::Left);
}

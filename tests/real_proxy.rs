//! margay through tinyproxy, configured as its sample configuration is (CONNECT only to TLS
//! ports): plain http:// as an absolute-URI request, https:// through CONNECT, the proxy
//! variables as curl reads them, a proxy that is down, and a proxy that asks for credentials;
//! the page a proxy sends with its refusal of a CONNECT, from tinyproxy and from a scripted
//! proxy whose page is longer than margay keeps.

mod common;

use common::servers::{self, margay, run, Run};
use common::Driver;
use margay::net::proxy::ProxySettings;
use margay::net::{Client, NetConfig};
use ratatui::crossterm::event::KeyCode;

fn dump_with(env: &[(&str, &str)], args: &[&str]) -> Run {
    let home = tempfile::tempdir().expect("a home");
    let mut command = margay(home.path());
    for (k, v) in env {
        command.env(k, v);
    }
    command.arg("--dump").args(args);
    run(command)
}

fn settings(vars: &[(&str, &str)]) -> ProxySettings {
    let vars: Vec<(String, String)> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    ProxySettings::from_vars(|name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())).0
}

fn driver_via(vars: &[(&str, &str)], ca_file: Option<std::path::PathBuf>) -> Driver {
    let mut d = Driver::new(120, 60);
    let mut config = NetConfig { proxies: settings(vars), ..NetConfig::default() };
    config.tls.ca_file = ca_file;
    d.set_client(Client::new(config));
    d
}

/// A port nothing listens on.
fn dead_port() -> u16 {
    servers::free_port()
}

#[test]
fn plain_http_goes_through_the_proxy_without_connect() {
    let (Some(nginx), Some(proxy)) = (servers::nginx(), servers::tinyproxy(false)) else { return };
    let out = dump_with(&[("http_proxy", &proxy.url)], &[&format!("{}/index.html", nginx.http)]);
    assert_eq!(
        out.code,
        Some(0),
        "tinyproxy refuses CONNECT to a plain port; an absolute-URI request passes: {}{}",
        out.stdout,
        out.stderr
    );
    assert!(out.stdout.contains("margay test site"));
    let mut d = driver_via(&[("http_proxy", &proxy.url)], None);
    d.open(&format!("{}/index.html", nginx.http));
    d.char('=');
    let info = d.page_text();
    assert!(
        info.contains(&format!("through the proxy 127.0.0.1:{}", proxy.port)),
        "page info names the proxy: {info}"
    );
    assert!(info.contains("Via: 1.1 ") && info.contains("tinyproxy/"), "the proxy's own header: {info}");
    let log = std::fs::read_to_string(nginx.run.join("nginx-access.log")).unwrap_or_default();
    assert!(log.contains("GET /index.html"), "{log}");
}

#[test]
fn https_goes_through_connect() {
    let (Some(nginx), Some(proxy)) = (servers::nginx(), servers::tinyproxy(false)) else { return };
    let ca = nginx.ca_file.display().to_string();
    let out = dump_with(
        &[("https_proxy", &proxy.url), ("SSL_CERT_FILE", &ca)],
        &[&format!("{}/index.html", nginx.private_ca)],
    );
    assert_eq!(out.code, Some(0), "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("margay test site"));
    let mut d = driver_via(&[("HTTPS_PROXY", &proxy.url)], Some(nginx.ca_file.clone()));
    d.open(&format!("{}/index.html", nginx.private_ca));
    d.char('=');
    assert!(
        d.page_text().contains(&format!("through the proxy 127.0.0.1:{}", proxy.port)),
        "{}",
        d.page_text()
    );
}

#[test]
fn each_scheme_its_variable_and_no_proxy_with_spaces() {
    let Some(nginx) = servers::nginx() else { return };
    let dead = format!("http://127.0.0.1:{}", dead_port());
    let url = format!("{}/index.html", nginx.http);
    // https_proxy alone is not for http:// addresses.
    let out = dump_with(&[("https_proxy", &dead)], &[&url]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    // no_proxy as people write it: spaces after the commas.
    let out = dump_with(&[("http_proxy", &dead), ("no_proxy", "localhost, 127.0.0.1")], &[&url]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let out = dump_with(&[("HTTP_PROXY", &dead), ("NO_PROXY", "example.com, .test, 127.0.0.0/8")], &[&url]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let out = dump_with(&[("all_proxy", &dead), ("no_proxy", "*")], &[&url]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
}

#[test]
fn a_proxy_setting_that_cannot_be_used_is_never_gone_around() {
    let Some(nginx) = servers::nginx() else { return };
    let out =
        dump_with(&[("http_proxy", "socks5://127.0.0.1:1080")], &[&format!("{}/index.html", nginx.http)]);
    assert_eq!(out.code, Some(1), "{}", out.stdout);
    assert!(
        out.stderr.contains("Proxy setting not usable") && out.stderr.contains("socks5"),
        "{}",
        out.stderr
    );
    assert!(!out.stdout.contains("margay test site"), "nothing went out directly");
}

#[test]
fn verbose_names_the_proxy() {
    let (Some(nginx), Some(proxy)) = (servers::nginx(), servers::tinyproxy(false)) else { return };
    let out = dump_with(&[("http_proxy", &proxy.url)], &["-v", &format!("{}/index.html", nginx.http)]);
    assert!(
        out.stderr.contains(&format!("200 OK (through the proxy 127.0.0.1:{})", proxy.port)),
        "{}",
        out.stderr
    );
}

#[test]
fn a_proxy_that_is_down_is_named() {
    let Some(nginx) = servers::nginx() else { return };
    let port = dead_port();
    let out = dump_with(
        &[("http_proxy", &format!("http://127.0.0.1:{port}"))],
        &[&format!("{}/index.html", nginx.http)],
    );
    assert_eq!(out.code, Some(1));
    assert!(
        out.stderr.contains("Proxy not reachable") && out.stderr.contains(&format!("127.0.0.1:{port}")),
        "{}",
        out.stderr
    );
    let out = dump_with(
        &[("https_proxy", &format!("http://127.0.0.1:{port}"))],
        &[&format!("{}/index.html", nginx.private_ca)],
    );
    assert_eq!(out.code, Some(1));
    assert!(out.stderr.contains("Proxy not reachable"), "{}", out.stderr);
}

#[test]
fn connect_refused_by_the_proxy_is_the_proxys_answer() {
    let (Some(nginx), Some(proxy)) = (servers::nginx(), servers::tinyproxy(false)) else { return };
    // The expired server's port is not among tinyproxy's ConnectPorts.
    let out = dump_with(&[("https_proxy", &proxy.url)], &[&format!("{}/", nginx.expired)]);
    assert_eq!(out.code, Some(3), "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("This answer came from the proxy"), "{}", out.stdout);
    // The page tinyproxy sent with its refusal, which says why.
    assert!(
        out.stdout.contains("The CONNECT method not allowed with the port you tried to use"),
        "{}",
        out.stdout
    );
    assert!(out.stderr.contains("Ask whoever runs the proxy"), "advice about the proxy: {}", out.stderr);
    assert!(!out.stdout.contains("ask the site's owner"), "not about the site: {}", out.stdout);
}

#[test]
fn a_proxy_asking_for_credentials() {
    let (Some(nginx), Some(proxy)) = (servers::nginx(), servers::tinyproxy(true)) else { return };
    let url = format!("{}/index.html", nginx.http);
    let out = dump_with(&[("http_proxy", &proxy.url)], &[&url]);
    assert_eq!(out.code, Some(3), "{}", out.stderr);
    assert!(out.stdout.contains("407") && out.stdout.contains("The proxy"), "{}", out.stdout);

    // Credentials in the proxy's address keep working, for http and https.
    let with_creds =
        format!("http://{}:{}@127.0.0.1:{}", servers::PROXY_USER, servers::PROXY_PASSWORD, proxy.port);
    let out = dump_with(&[("http_proxy", &with_creds)], &[&url]);
    assert_eq!(out.code, Some(0), "{}{}", out.stdout, out.stderr);
    let ca = nginx.ca_file.display().to_string();
    let out = dump_with(
        &[("https_proxy", &with_creds), ("SSL_CERT_FILE", &ca)],
        &[&format!("{}/index.html", nginx.private_ca)],
    );
    assert_eq!(out.code, Some(0), "{}{}", out.stdout, out.stderr);

    // The browser asks (the password masked), then remembers for the session.
    let mut d =
        driver_via(&[("http_proxy", &proxy.url), ("https_proxy", &proxy.url)], Some(nginx.ca_file.clone()));
    d.open(&url);
    let screen = d.screen();
    assert!(
        screen.contains(&format!("User name for 'Tinyproxy' at the proxy 127.0.0.1:{}", proxy.port)),
        "{screen}"
    );
    d.type_text(servers::PROXY_USER);
    d.key(KeyCode::Enter);
    d.type_text(servers::PROXY_PASSWORD);
    assert!(!d.screen().contains(servers::PROXY_PASSWORD));
    d.key(KeyCode::Enter);
    assert!(d.page_text().contains("margay test site"), "{}", d.screen());
    d.open(&format!("{}/dir/", nginx.http));
    assert!(d.app.prompt().is_none() && d.page_text().contains("The index of dir/"), "{}", d.screen());
    // The same proxy for https: the remembered credentials go into the CONNECT.
    d.open(&format!("{}/index.html", nginx.private_ca));
    assert!(d.app.prompt().is_none() && d.page_text().contains("margay test site"), "{}", d.screen());
    let log = std::fs::read_to_string(nginx.run.join("nginx-access.log")).unwrap_or_default();
    assert!(!log.contains("Basic"), "the proxy's credentials never reach the server");
}

/// A proxy of the test's own that refuses every CONNECT with a page larger than margay keeps,
/// and keeps the connection open after it.
fn refusing_proxy() -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for mut stream in listener.incoming().flatten() {
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).is_ok_and(|n| n == 1) {
                head.push(byte[0]);
            }
            let body = "refused because ".repeat(20_000);
            let answer = format!(
                "HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(answer.as_bytes());
            held.push(stream);
        }
    });
    url
}

#[test]
fn a_proxys_refusal_page_is_shown_up_to_a_limit_even_when_it_is_long() {
    let proxy = refusing_proxy();
    let out = dump_with(&[("https_proxy", &proxy)], &["https://127.0.0.1:9/"]);
    assert_eq!(out.code, Some(3), "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("This answer came from the proxy"), "{}", out.stdout);
    let kept = out.stdout.matches("refused because").count();
    assert!(kept > 1000 && kept < 20_000, "the start of the page, not all of it: {kept}");
}

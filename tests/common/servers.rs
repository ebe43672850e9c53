//! Servers nobody here wrote, started on 127.0.0.1 for the real-server tests: nginx (with the
//! configuration in tests/servers/nginx.conf), httpbin under gunicorn, and tinyproxy (plain and
//! with Basic authentication). `scripts/install-test-servers.sh` installs them.
//!
//! Each test binary starts each server once, on free ports, and shares it between its tests;
//! the servers die with the test process (they are started from a thread that lives as long
//! as the process, with PR_SET_PDEATHSIG). Certificates are made here with rcgen: a
//! self-signed one, a private authority and a certificate it issued, an expired one and one
//! for another name.
//!
//! When a server is not installed the test says so and returns, unless
//! `MARGAY_REAL_SERVERS=required` (as `.ci/run` sets), where it fails.

use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

pub const USER: &str = "margay";
pub const PASSWORD: &str = "secret";
pub const PROXY_USER: &str = "proxyuser";
pub const PROXY_PASSWORD: &str = "proxysecret";

pub struct Nginx {
    /// `http://127.0.0.1:PORT`
    pub http: String,
    /// `https://127.0.0.1:PORT` of each TLS server.
    pub self_signed: String,
    pub private_ca: String,
    pub expired: String,
    pub wrong_name: String,
    /// The private authority's certificate (PEM), to trust with ca_file or SSL_CERT_FILE.
    pub ca_file: PathBuf,
    /// The directory holding the run's files.
    pub run: PathBuf,
}

pub struct Httpbin {
    pub base: String,
}

pub struct Proxy {
    /// `http://127.0.0.1:PORT`
    pub url: String,
    pub port: u16,
}

fn required() -> bool {
    std::env::var("MARGAY_REAL_SERVERS").is_ok_and(|v| v == "required")
}

/// `None`, after saying why, when `program` is not installed and not required.
fn available(program: &str, path: Option<PathBuf>) -> Option<PathBuf> {
    let found = path.filter(|p| p.exists()).or_else(|| which(program));
    if found.is_none() {
        let message = format!(
            "{program} is not installed: run scripts/install-test-servers.sh to run the real-server tests"
        );
        assert!(!required(), "{message}");
        eprintln!("SKIPPED: {message}");
    }
    found
}

/// A program the tests drive (tmux): `None`, after saying so, when it is not installed and
/// not required.
pub fn program(name: &str) -> Option<PathBuf> {
    available(name, None)
}

fn which(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .chain(["/usr/sbin", "/usr/bin", "/sbin"].iter().map(PathBuf::from))
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A directory for this test process's server files, under target/.
fn run_dir(name: &str) -> PathBuf {
    let dir = repo().join("target").join("real-servers").join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a run directory");
    dir
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

/// Wait until something accepts connections on `port` (or the child died).
fn wait_for_port(port: u16, child: &Mutex<Child>, log: &Path) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        if let Ok(Some(status)) = child.lock().expect("the child").try_wait() {
            panic!("the server exited ({status}): {}", std::fs::read_to_string(log).unwrap_or_default());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!(
        "nothing listens on 127.0.0.1:{port} after 60 s: {}",
        std::fs::read_to_string(log).unwrap_or_default()
    );
}

type Spawn = (Command, mpsc::Sender<std::io::Result<Child>>);

/// Start `command` from a thread that lives as long as the test process, so that the child is
/// killed when the process ends (PR_SET_PDEATHSIG follows the thread that forked).
fn spawn_kept(mut command: Command) -> Child {
    static KEEPER: OnceLock<Mutex<mpsc::Sender<Spawn>>> = OnceLock::new();
    let keeper = KEEPER.get_or_init(|| {
        let (tx, rx) = mpsc::channel::<Spawn>();
        std::thread::spawn(move || {
            for (mut command, answer) in rx {
                // SAFETY: prctl is async-signal-safe; nothing else runs between fork and exec.
                unsafe {
                    command.pre_exec(|| {
                        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                        Ok(())
                    });
                }
                let _ = answer.send(command.spawn());
            }
        });
        Mutex::new(tx)
    });
    let (tx, rx) = mpsc::channel();
    command.stdin(Stdio::null());
    keeper.lock().expect("the keeper").send((command, tx)).expect("the keeper thread");
    rx.recv().expect("an answer from the keeper").expect("the server starts")
}

fn fill(template: &str, values: &[(&str, String)]) -> String {
    let mut text = template.to_string();
    for (name, value) in values {
        text = text.replace(&format!("@{name}@"), value);
    }
    text
}

/// nginx with tests/servers/nginx.conf, started once per test binary.
pub fn nginx() -> Option<&'static Nginx> {
    static NGINX: OnceLock<Option<Nginx>> = OnceLock::new();
    NGINX.get_or_init(start_nginx).as_ref()
}

fn start_nginx() -> Option<Nginx> {
    let program = available("nginx", None)?;
    let run = run_dir("nginx");
    let certs = certificates(&run);
    std::fs::create_dir_all(run.join("made")).expect("a folder for made files");
    // Accepts connections (the kernel's backlog) and never answers: nginx's 504.
    let stalled = TcpListener::bind("127.0.0.1:0").expect("a stalled upstream");
    let stalled_port = stalled.local_addr().expect("its address").port();
    std::mem::forget(stalled);
    let ports: Vec<(&str, u16)> =
        ["HTTP_PORT", "TLS_SELF_SIGNED", "TLS_PRIVATE_CA", "TLS_EXPIRED", "TLS_WRONG_NAME"]
            .into_iter()
            .map(|name| (name, free_port()))
            .collect();
    let mut values: Vec<(&str, String)> = ports.iter().map(|(n, p)| (*n, p.to_string())).collect();
    values.push(("RUN", run.display().to_string()));
    values.push(("WWW", repo().join("tests/servers/www").display().to_string()));
    values.push(("SERVERS", repo().join("tests/servers").display().to_string()));
    values.push(("STALLED_PORT", stalled_port.to_string()));
    let template = std::fs::read_to_string(repo().join("tests/servers/nginx.conf")).expect("nginx.conf");
    let conf = run.join("nginx.conf");
    std::fs::write(&conf, fill(&template, &values)).expect("write nginx.conf");
    let log = run.join("nginx-error.log");
    let mut command = Command::new(program);
    command.arg("-p").arg(&run).arg("-c").arg(&conf).arg("-e").arg(&log);
    command.stdout(Stdio::null()).stderr(std::fs::File::create(run.join("nginx.out")).expect("a log"));
    let child = Mutex::new(spawn_kept(command));
    let port = |name: &str| ports.iter().find(|(n, _)| *n == name).map(|(_, p)| *p).unwrap_or(0);
    for (_, p) in &ports {
        wait_for_port(*p, &child, &run.join("nginx.out"));
    }
    std::mem::forget(child);
    Some(Nginx {
        http: format!("http://127.0.0.1:{}", port("HTTP_PORT")),
        self_signed: format!("https://127.0.0.1:{}", port("TLS_SELF_SIGNED")),
        private_ca: format!("https://127.0.0.1:{}", port("TLS_PRIVATE_CA")),
        expired: format!("https://127.0.0.1:{}", port("TLS_EXPIRED")),
        wrong_name: format!("https://127.0.0.1:{}", port("TLS_WRONG_NAME")),
        ca_file: certs,
        run,
    })
}

/// Write the certificates nginx.conf names into `run`; returns the private authority's file.
fn certificates(run: &Path) -> PathBuf {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
    let day = time::Duration::days(1);
    let now = time::OffsetDateTime::now_utc();
    let write = |name: &str, cert: &rcgen::Certificate, key: &KeyPair| {
        std::fs::write(run.join(format!("{name}.pem")), cert.pem()).expect("write a certificate");
        std::fs::write(run.join(format!("{name}.key")), key.serialize_pem()).expect("write a key");
    };
    let names = || vec!["localhost".to_string(), "127.0.0.1".to_string()];

    let key = KeyPair::generate().expect("a key");
    let mut params = CertificateParams::new(names()).expect("params");
    params.distinguished_name.push(DnType::CommonName, "margay self-signed test");
    write("self-signed", &params.self_signed(&key).expect("self-signed"), &key);

    let ca_key = KeyPair::generate().expect("a key");
    let mut ca = CertificateParams::new(Vec::<String>::new()).expect("params");
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name.push(DnType::CommonName, "margay test authority");
    ca.key_usages =
        vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::DigitalSignature, KeyUsagePurpose::CrlSign];
    let ca_cert = ca.self_signed(&ca_key).expect("the authority");
    std::fs::write(run.join("ca.pem"), ca_cert.pem()).expect("write the authority");
    let issuer = Issuer::new(ca, ca_key);

    let leaf = |file: &str, names: Vec<String>, not_before, not_after| {
        let key = KeyPair::generate().expect("a key");
        let mut params = CertificateParams::new(names).expect("params");
        params.distinguished_name.push(DnType::CommonName, file);
        params.not_before = not_before;
        params.not_after = not_after;
        let cert = params.signed_by(&key, &issuer).expect("signed");
        write(file, &cert, &key);
    };
    leaf("private-ca-leaf", names(), now - day, now + day * 30);
    leaf("expired", names(), now - day * 60, now - day * 30);
    leaf("wrong-name", vec!["other.example".to_string()], now - day, now + day * 30);
    run.join("ca.pem")
}

/// httpbin under gunicorn, started once per test binary.
pub fn httpbin() -> Option<&'static Httpbin> {
    static HTTPBIN: OnceLock<Option<Httpbin>> = OnceLock::new();
    HTTPBIN.get_or_init(start_httpbin).as_ref()
}

fn start_httpbin() -> Option<Httpbin> {
    let program = available("gunicorn", Some(repo().join(".test-servers/venv/bin/gunicorn")))?;
    let run = run_dir("httpbin");
    let port = free_port();
    let log = run.join("gunicorn.log");
    let mut command = Command::new(program);
    command
        .args(["--bind", &format!("127.0.0.1:{port}"), "--workers", "2", "--worker-class", "gthread"])
        .args(["--threads", "8", "--timeout", "60", "httpbin:app"])
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).expect("a log"));
    let child = Mutex::new(spawn_kept(command));
    wait_for_port(port, &child, &log);
    std::mem::forget(child);
    Some(Httpbin { base: format!("http://127.0.0.1:{port}") })
}

/// tinyproxy with tests/servers/tinyproxy.conf, plain or asking for Basic credentials
/// ([`PROXY_USER`], [`PROXY_PASSWORD`]), started once per test binary.
pub fn tinyproxy(with_auth: bool) -> Option<&'static Proxy> {
    static PLAIN: OnceLock<Option<Proxy>> = OnceLock::new();
    static AUTH: OnceLock<Option<Proxy>> = OnceLock::new();
    let cell = if with_auth { &AUTH } else { &PLAIN };
    cell.get_or_init(|| start_tinyproxy(with_auth)).as_ref()
}

fn start_tinyproxy(with_auth: bool) -> Option<Proxy> {
    let program = available("tinyproxy", None)?;
    let nginx = nginx()?;
    let run = run_dir(if with_auth { "tinyproxy-auth" } else { "tinyproxy" });
    let port = free_port();
    let tls_port = |url: &str| url.rsplit(':').next().unwrap_or("443").to_string();
    let auth = if with_auth { format!("BasicAuth {PROXY_USER} {PROXY_PASSWORD}") } else { String::new() };
    let values = [
        ("PORT", port.to_string()),
        ("RUN", run.display().to_string()),
        ("TLS_SELF_SIGNED", tls_port(&nginx.self_signed)),
        ("TLS_PRIVATE_CA", tls_port(&nginx.private_ca)),
        ("AUTH", auth),
    ];
    let template =
        std::fs::read_to_string(repo().join("tests/servers/tinyproxy.conf")).expect("tinyproxy.conf");
    let conf = run.join("tinyproxy.conf");
    std::fs::write(&conf, fill(&template, &values)).expect("write tinyproxy.conf");
    let log = run.join("tinyproxy.out");
    let mut command = Command::new(program);
    command
        .arg("-d")
        .arg("-c")
        .arg(&conf)
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).expect("a log"));
    let child = Mutex::new(spawn_kept(command));
    wait_for_port(port, &child, &log);
    std::mem::forget(child);
    Some(Proxy { url: format!("http://127.0.0.1:{port}"), port })
}

/// The margay binary with its own empty settings, data and cache directories (under `home`)
/// and no proxy from the test's environment.
/// `MARGAY_BIN` runs another build instead (an older one, to see what a change fixed).
pub fn margay(home: &Path) -> Command {
    let binary = std::env::var_os("MARGAY_BIN")
        .map_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_margay")), PathBuf::from);
    let mut command = Command::new(binary);
    command
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("HOME", home)
        .env("NO_COLOR", "1");
    for var in ["http_proxy", "https_proxy", "all_proxy", "no_proxy"] {
        command.env_remove(var).env_remove(var.to_ascii_uppercase());
    }
    command
}

/// What a run of the binary printed, and how it ended.
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

pub fn run(mut command: Command) -> Run {
    let out = command.output().expect("run margay");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

//! margay against nginx as Debian ships it (tests/servers/nginx.conf): status codes,
//! redirects, authentication, revalidation, compression, custom error pages, a stalled
//! upstream and JSON answers of an API.

mod common;

use common::servers::{self, margay, run, Run};

fn dump(args: &[&str]) -> Run {
    let home = tempfile::tempdir().expect("a home");
    let mut command = margay(home.path());
    command.arg("--dump").args(args);
    run(command)
}

#[test]
fn smoke() {
    let Some(nginx) = servers::nginx() else { return };
    for path in [
        "/index.html",
        "/dir",
        "/nothing",
        "/teapot",
        "/api/missing",
        "/api/broken",
        "/api/created",
        "/data.json",
        "/image.png",
        "/stalled",
        "/private/secret.html",
    ] {
        let r = dump(&[&format!("{}{path}", nginx.http)]);
        println!("== {path}: {:?}\n{}\n-- stderr: {}", r.code, r.stdout, r.stderr);
    }
}

//! margay: a terminal hypertext browser.
//!
//! The crate is split into a pure core (document rendering, status-code policy, history,
//! keymap, app state) and a thin shell (terminal, network, disk) so that tests and benches
//! can drive the core directly; `runner` carries out the app's effects for the binary and the
//! tests alike. `docs/design.md` describes the shape.

pub mod bookmarks_cli;
pub mod certs_cli;
pub mod cli;
pub mod document;
pub mod dump;
pub mod dump_json;
pub mod jobs;
pub mod navigation;
pub mod net;
pub mod plain;
pub mod policy;
pub mod runner;
pub mod sanitize;
pub mod shell;
pub mod store;
pub mod ui;
pub mod viewer;

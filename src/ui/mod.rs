//! The interactive browser: state and its update function (pure), the keymap, prompts and
//! the drawing of a frame from state. The runner (`crate::runner`) feeds `Msg`s in and
//! carries out the `Effect`s that come out, for the terminal and for the tests alike.

mod about;
pub mod app;
mod asks;
pub mod bookmarks;
pub mod clipboard;
pub mod draw;
pub mod files;
pub mod forms;
pub mod help;
pub mod hints;
pub mod info;
pub mod keymap;
pub mod msg;
mod nav;
pub mod netlog;
pub mod prompt;
mod reader;
mod session;
mod status;
pub mod tab;
mod tabs;
mod view;

pub use app::{App, Mode, Settings, StatusLine, MAX_AUTO_RETRIES};
pub use keymap::{Action, Keymap, Layer};
pub use msg::{BookmarkOp, BookmarkRef, BookmarksUpdate, Effect, LoadMode, Msg};
pub use tab::{Page, PageKind, Pending, Tab, TabId};
pub use view::find_matches;

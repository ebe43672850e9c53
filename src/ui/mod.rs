//! The interactive browser: state and its update function (pure), the keymap, prompts and
//! the drawing of a frame from state. The terminal loop in `main.rs` feeds `Msg`s in and
//! runs the `Effect`s that come out.

pub mod app;
mod asks;
pub mod bookmarks;
pub mod draw;
pub mod files;
pub mod forms;
pub mod help;
pub mod info;
pub mod keymap;
pub mod nav;
pub mod prompt;
mod reader;
mod view;

pub use app::{App, BookmarkRef, BookmarksUpdate, Effect, LoadMode, Msg, Page, Pending, StatusLine};
pub use keymap::{Action, Keymap};

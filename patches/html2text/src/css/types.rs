#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub(crate) enum Importance {
    Default,
    Important,
}

//! Back/forward history: a list of entries and a cursor, as browsers keep it. Going to a new
//! page drops the entries ahead of the cursor. Entries are whole pages (document, scroll
//! position, selected link) so going back shows what was there without a refetch.

#[derive(Debug)]
pub struct History<T> {
    entries: Vec<T>,
    index: usize,
}

impl<T> Default for History<T> {
    fn default() -> Self {
        History { entries: Vec::new(), index: 0 }
    }
}

impl<T> History<T> {
    /// A history made again (a resumed session): these entries, the cursor at `index` (or
    /// the last entry, if there are fewer).
    pub fn from_entries(entries: Vec<T>, index: usize) -> History<T> {
        let index = index.min(entries.len().saturating_sub(1));
        History { entries, index }
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn index(&self) -> usize {
        self.index
    }

    pub fn current(&self) -> Option<&T> {
        self.entries.get(self.index)
    }

    pub fn current_mut(&mut self) -> Option<&mut T> {
        self.entries.get_mut(self.index)
    }

    /// A new page: forward entries are dropped.
    pub fn push(&mut self, entry: T) {
        if !self.entries.is_empty() {
            self.entries.truncate(self.index + 1);
        }
        self.entries.push(entry);
        self.index = self.entries.len() - 1;
    }

    /// The same place, loaded again (reload): the cursor stays.
    pub fn replace_current(&mut self, entry: T) {
        match self.entries.get_mut(self.index) {
            Some(slot) => *slot = entry,
            None => self.push(entry),
        }
    }

    /// Entry `index`, wherever the cursor is.
    pub fn get(&self, index: usize) -> Option<&T> {
        self.entries.get(index)
    }

    /// Entry `index` loaded again while another is shown (a reload that finished after the
    /// user went on): the cursor stays. False when there is no such entry.
    pub fn replace_at(&mut self, index: usize, entry: T) -> bool {
        match self.entries.get_mut(index) {
            Some(slot) => {
                *slot = entry;
                true
            }
            None => false,
        }
    }

    pub fn can_go_back(&self) -> bool {
        self.index > 0
    }

    pub fn can_go_forward(&self) -> bool {
        self.index + 1 < self.entries.len()
    }

    pub fn back(&mut self) -> bool {
        let moved = self.can_go_back();
        if moved {
            self.index -= 1;
        }
        moved
    }

    pub fn forward(&mut self) -> bool {
        let moved = self.can_go_forward();
        if moved {
            self.index += 1;
        }
        moved
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut T> {
        self.entries.iter_mut()
    }

    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.entries.iter()
    }
}

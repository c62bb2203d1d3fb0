//! What waits for a user, in the words of the feature it belongs to, as the start page
//! ("Wat wacht op u") lists it. Each feature that has work for a role says what it is in its
//! own `waiting.rs`; the start page only puts the lists under their headings.

/// A link to the page where the work is done.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Link {
    /// Where it goes.
    pub href: String,
    /// What it says.
    pub label: String,
}

impl Link {
    /// A link to `href` that says `label`.
    pub fn new(href: impl Into<String>, label: impl Into<String>) -> Self {
        Self {
            href: href.into(),
            label: label.into(),
        }
    }
}

/// Something that waits: a sentence, what to do about it and the items it counts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Task {
    /// What waits, as a sentence ("3 wijzigingsverzoeken wachten op uw besluit.").
    pub text: String,
    /// What to do about it, if the user can do something.
    pub action: Option<Link>,
    /// The items it counts, each straight to its page (at most [`ITEMS_SHOWN`]).
    pub items: Vec<Link>,
    /// When there are more items than shown: the list of all of them.
    pub all: Option<Link>,
}

/// How many items of one task the start page lists before "Alle … bekijken".
pub const ITEMS_SHOWN: usize = 5;

impl Task {
    /// A task that says `text` and offers `action`.
    pub fn to_do(text: impl Into<String>, action: Link) -> Self {
        Self {
            text: text.into(),
            action: Some(action),
            items: Vec::new(),
            all: None,
        }
    }

    /// A task that only informs: nothing for this user to do now.
    pub fn note(text: impl Into<String>, link: Option<Link>) -> Self {
        Self {
            text: text.into(),
            action: link,
            items: Vec::new(),
            all: None,
        }
    }

    /// A count of `items` ("3 wijzigingsverzoeken wachten op uw besluit."): the first
    /// [`ITEMS_SHOWN`] listed, and `all` offered when there are more.
    pub fn count(text: impl Into<String>, mut items: Vec<Link>, all: Link) -> Self {
        let more = items.len() > ITEMS_SHOWN;
        items.truncate(ITEMS_SHOWN);
        Self {
            text: text.into(),
            action: None,
            items,
            all: more.then_some(all),
        }
    }
}

/// One heading of the start page: a role, or for an ondersteuner the aios of one opleider.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    /// The heading.
    pub heading: String,
    /// What waits for this user.
    pub tasks: Vec<Task>,
    /// What waits for someone else (the opleider, the RGS): shown so the user knows, under
    /// [`Section::others_heading`], never as work of theirs.
    pub others: Vec<Task>,
    /// The heading of [`Section::others`] ("Wacht op de opleider").
    pub others_heading: String,
    /// What the section says when nothing waits at all.
    pub nothing: String,
}

impl Section {
    /// A section under `heading` with `tasks`, saying `nothing` when there are none.
    pub fn new(heading: impl Into<String>, tasks: Vec<Task>, nothing: impl Into<String>) -> Self {
        Self {
            heading: heading.into(),
            tasks,
            others: Vec::new(),
            others_heading: String::new(),
            nothing: nothing.into(),
        }
    }

    /// The same section, also listing `others` under `heading`.
    pub fn with_others(mut self, heading: impl Into<String>, others: Vec<Task>) -> Self {
        self.others_heading = heading.into();
        self.others = others;
        self
    }

    /// Whether nothing waits, for this user or anyone else.
    pub fn is_empty(&self) -> bool {
        self.tasks.is_empty() && self.others.is_empty()
    }
}

/// `n` followed by the singular or the plural noun phrase: "1 wijzigingsverzoek wacht",
/// "3 wijzigingsverzoeken wachten".
pub fn counted(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_count_lists_the_first_items_and_offers_all_only_when_there_are_more() {
        let items = |n: usize| {
            (0..n)
                .map(|i| Link::new(format!("/x/{i}"), format!("item {i}")))
                .collect::<Vec<_>>()
        };
        let all = Link::new("/x", "Alle bekijken");
        let few = Task::count("drie", items(3), all.clone());
        assert_eq!(few.items.len(), 3);
        assert_eq!(few.all, None);
        let exact = Task::count("vijf", items(ITEMS_SHOWN), all.clone());
        assert_eq!(exact.items.len(), ITEMS_SHOWN);
        assert_eq!(exact.all, None);
        let many = Task::count("twaalf", items(12), all.clone());
        assert_eq!(many.items.len(), ITEMS_SHOWN);
        assert_eq!(many.items[0].href, "/x/0");
        assert_eq!(many.all, Some(all));
    }

    #[test]
    fn a_count_of_one_takes_the_singular_and_any_other_the_plural() {
        assert_eq!(
            counted(1, "verzoek wacht", "verzoeken wachten"),
            "1 verzoek wacht"
        );
        assert_eq!(
            counted(3, "verzoek wacht", "verzoeken wachten"),
            "3 verzoeken wachten"
        );
        assert_eq!(
            counted(0, "verzoek wacht", "verzoeken wachten"),
            "0 verzoeken wachten"
        );
    }
}

//! The app's screens and their addresses. Every screen has its own path,
//! so the browser's back and forward buttons (and Android's back gesture)
//! move between screens, and a reload reopens the same screen after
//! unlock. The service worker answers every path with the one app shell;
//! the path alone says which screen to draw.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use tsunagu_sync::record::schema::RecordKind;

/// The open screen.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Screen {
    /// The persons on my caseload: `/`.
    #[default]
    Caseload,
    /// One person's timeline: `/person/{id}`.
    Person(String),
    /// A new record of `kind` for `person`: `/person/{id}/new/{kind}`.
    NewRecord {
        /// The person.
        person: String,
        /// The kind.
        kind: RecordKind,
    },
    /// An existing record: `/record/{id}`.
    Record(String),
    /// The coordinator's programme screens: `/programme/{tab}`.
    Programme(ProgrammeTab),
    /// The auditor's view of the audit trail: `/audit`.
    AuditTrail,
    /// The outcome report (coordinators and auditors): `/report`.
    Outcome,
}

/// The tabs of the programme screen, each with its own address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ProgrammeTab {
    /// The annual listing import.
    #[default]
    Listing,
    /// Past events import.
    Events,
    /// Persons and their workers.
    Assignments,
    /// Caseload handovers.
    Handover,
    /// Case conferences.
    Conferences,
    /// Accounts and devices.
    Accounts,
}

impl ProgrammeTab {
    /// Every tab, in the order the screen shows them.
    pub const ALL: [ProgrammeTab; 6] = [
        ProgrammeTab::Listing,
        ProgrammeTab::Events,
        ProgrammeTab::Assignments,
        ProgrammeTab::Handover,
        ProgrammeTab::Conferences,
        ProgrammeTab::Accounts,
    ];

    /// The tab's path segment.
    pub fn as_str(self) -> &'static str {
        match self {
            ProgrammeTab::Listing => "listing",
            ProgrammeTab::Events => "events",
            ProgrammeTab::Assignments => "assignments",
            ProgrammeTab::Handover => "handover",
            ProgrammeTab::Conferences => "conferences",
            ProgrammeTab::Accounts => "accounts",
        }
    }

    fn from_segment(segment: &str) -> Option<ProgrammeTab> {
        Self::ALL.into_iter().find(|tab| tab.as_str() == segment)
    }
}

/// Everything but letters, digits, `-` and `_` is escaped in a segment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_');

fn encode(segment: &str) -> String {
    utf8_percent_encode(segment, SEGMENT).to_string()
}

fn kind_from_segment(segment: &str) -> Option<RecordKind> {
    RecordKind::ALL
        .into_iter()
        .find(|kind| kind.as_str() == segment && !kind.is_profile())
}

impl Screen {
    /// The screen's address in the app.
    pub fn path(&self) -> String {
        match self {
            Screen::Caseload => "/".into(),
            Screen::Person(person) => format!("/person/{}", encode(person)),
            Screen::NewRecord { person, kind } => {
                format!("/person/{}/new/{}", encode(person), kind.as_str())
            }
            Screen::Record(record) => format!("/record/{}", encode(record)),
            Screen::Programme(tab) => format!("/programme/{}", tab.as_str()),
            Screen::AuditTrail => "/audit".into(),
            Screen::Outcome => "/report".into(),
        }
    }

    /// The screen at `path`, or `None` for an address the app does not
    /// have (the caller shows the caseload).
    pub fn from_path(path: &str) -> Option<Screen> {
        let decoded: Option<Vec<String>> = path
            .split('/')
            .filter(|segment| !segment.is_empty())
            .map(|segment| {
                percent_decode_str(segment)
                    .decode_utf8()
                    .ok()
                    .map(|s| s.into_owned())
            })
            .collect();
        let segments = decoded?;
        let parts: Vec<&str> = segments.iter().map(String::as_str).collect();
        match parts.as_slice() {
            [] => Some(Screen::Caseload),
            ["person", person] => Some(Screen::Person((*person).to_owned())),
            ["person", person, "new", kind] => Some(Screen::NewRecord {
                person: (*person).to_owned(),
                kind: kind_from_segment(kind)?,
            }),
            ["record", record] => Some(Screen::Record((*record).to_owned())),
            ["programme"] => Some(Screen::Programme(ProgrammeTab::default())),
            ["programme", tab] => Some(Screen::Programme(ProgrammeTab::from_segment(tab)?)),
            ["audit"] => Some(Screen::AuditTrail),
            ["report"] => Some(Screen::Outcome),
            _ => None,
        }
    }

    /// The page this screen is drawn on: the programme's tabs share one
    /// page (switching tabs keeps what the page has loaded), every other
    /// screen is its own.
    pub fn page(&self) -> Screen {
        match self {
            Screen::Programme(_) => Screen::Programme(ProgrammeTab::default()),
            other => other.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_screen() -> Vec<Screen> {
        let mut screens = vec![
            Screen::Caseload,
            Screen::Person("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b".into()),
            Screen::Record("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c".into()),
            Screen::AuditTrail,
            Screen::Outcome,
        ];
        screens.extend(ProgrammeTab::ALL.map(Screen::Programme));
        screens.extend(
            RecordKind::ALL
                .into_iter()
                .filter(|kind| !kind.is_profile())
                .map(|kind| Screen::NewRecord {
                    person: "p-1".into(),
                    kind,
                }),
        );
        screens
    }

    #[test]
    fn every_screen_comes_back_from_its_path() {
        for screen in every_screen() {
            let path = screen.path();
            assert_eq!(Screen::from_path(&path), Some(screen), "{path}");
        }
    }

    #[test]
    fn odd_identifiers_are_escaped_and_come_back() {
        for id in ["a/b", "..", "名前 と?#%", "x%2Fy"] {
            let screen = Screen::Person(id.into());
            let path = screen.path();
            assert_eq!(path.matches('/').count(), 2, "{path}");
            assert_eq!(Screen::from_path(&path), Some(screen));
        }
    }

    #[test]
    fn unknown_addresses_are_not_screens() {
        for path in [
            "/nowhere",
            "/person",
            "/person/x/new/person",
            "/person/x/new/unknown",
            "/programme/secret",
            "/record/a/b",
            "/record/%FF",
        ] {
            assert_eq!(Screen::from_path(path), None, "{path}");
        }
        assert_eq!(Screen::from_path("//"), Some(Screen::Caseload));
    }

    #[test]
    fn programme_tabs_share_one_page() {
        assert_eq!(
            Screen::Programme(ProgrammeTab::Accounts).page(),
            Screen::Programme(ProgrammeTab::Listing).page()
        );
        assert_ne!(
            Screen::Person("a".into()).page(),
            Screen::Person("b".into()).page()
        );
    }
}

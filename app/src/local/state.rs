//! The client state the pages react to: where the app is (signed out,
//! locked, ready), the sync status, and which screen is open. Plain
//! signals, the same on the server (which only renders the first frame)
//! and in the browser.

use leptos::prelude::*;

pub use super::screen::{ProgrammeTab, Screen};

/// The `localStorage` key of the idle-lock setting (minutes).
pub const IDLE_LOCK_SETTING: &str = "tsunagu_idle_lock_minutes";
/// The choices offered for the idle lock, in minutes.
pub const IDLE_LOCK_CHOICES: [u32; 4] = [1, 5, 15, 30];
/// The idle lock when nothing was chosen.
pub const DEFAULT_IDLE_LOCK_MINUTES: u32 = 5;

/// Where the app is in its life cycle on this browser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Reading the local database (also what the server renders).
    Starting,
    /// No device registered in this browser: first sign-in needed (online).
    NoDevice,
    /// A device is here, locked: the password unlocks it, offline too.
    Locked,
    /// Decrypting and loading the records.
    Unlocking,
    /// Unlocked; the pages read and write the local store.
    Ready,
}

/// The connection to the sync server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Connection {
    /// Not connected (offline, server unreachable, or locked).
    #[default]
    Disconnected,
    /// Opening the WebSocket.
    Connecting,
    /// Connected and exchanging changes.
    Syncing,
    /// Connected, nothing waiting either way.
    InSync,
}

/// Why the server refuses this device for good (until an administrator acts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The device was revoked (lost tablet, staff change).
    Revoked,
    /// The server does not know the device's token (e.g. a restored database).
    Unknown,
    /// The token went unused past the server's limit and was ended.
    Expired,
}

/// The `localStorage` key that keeps, across reloads, why this browser's
/// device was wiped (no personal data: one word), until the next sign-in.
pub const WIPE_NOTICE_SETTING: &str = "tsunagu_wipe_notice";

/// Why the device wiped itself, told on the sign-in form afterwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WipeReason {
    /// The server said the tablet was reported lost.
    ReportedLost,
    /// Too many wrong passwords in a row.
    UnlockLimit,
}

impl WipeReason {
    /// The word stored under [`WIPE_NOTICE_SETTING`].
    pub fn code(self) -> &'static str {
        match self {
            WipeReason::ReportedLost => "reported-lost",
            WipeReason::UnlockLimit => "unlock-limit",
        }
    }

    /// The reason a [`WipeReason::code`] names.
    pub fn from_code(code: &str) -> Option<WipeReason> {
        [WipeReason::ReportedLost, WipeReason::UnlockLimit]
            .into_iter()
            .find(|reason| reason.code() == code)
    }
}

/// Why the last unlock failed, as the unlock form tells it. Kept in the
/// client state: the form is rebuilt when loading the records fails.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnlockFailure {
    /// Wrong password; this many more wipe the device.
    WrongPassword {
        /// Wrong passwords still allowed.
        left: u32,
    },
    /// Too soon after the last wrong password.
    Wait {
        /// Milliseconds left.
        ms: u32,
    },
    /// Another tab has the device open.
    InOtherTab,
    /// Anything else, in the browser's words.
    Other(String),
}

/// What the sync badge shows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SyncStatus {
    /// The connection.
    pub connection: Connection,
    /// Local changes the server has not acknowledged yet.
    pub waiting: usize,
    /// Records the server refused, kept on the device until the user
    /// sends them again or discards them.
    pub refused_notes: usize,
    /// When the last complete sync finished (browser clock, ms since epoch).
    pub last_sync_ms: Option<f64>,
    /// Records received in the current download (shown as progress).
    pub received: usize,
    /// The last error, in plain words, if the last attempt failed.
    pub error: Option<String>,
    /// Set when the server refuses the device: syncing stops, data stays.
    pub refused: Option<Refusal>,
    /// The browser is online but the last attempt could not reach the
    /// server (the header says so instead of "online").
    pub unreachable: bool,
}

/// All client state, `Copy` so closures can hold it.
#[derive(Debug, Clone, Copy)]
pub struct ClientState {
    /// Life-cycle phase.
    pub phase: RwSignal<Phase>,
    /// Sync badge.
    pub status: RwSignal<SyncStatus>,
    /// Bumped whenever the local records change, so lists re-read them.
    pub revision: RwSignal<u64>,
    /// The open screen (follows the address; see [`Screen::path`]).
    pub screen: RwSignal<Screen>,
    /// A screen [`ClientState::open`] asked for, and whether its address
    /// replaces the current history entry, until the router has moved.
    pub navigation: RwSignal<Option<(Screen, bool)>>,
    /// A page that now has another address ([`ClientState::rename`]): the
    /// new address and the page still drawn there.
    pub renamed: RwSignal<Option<(Screen, Screen)>>,
    /// The caseload's filters, kept across screens.
    pub caseload_view: RwSignal<super::attention::CaseloadView>,
    /// The login name of the device's owner (known before unlocking).
    pub owner: RwSignal<Option<String>>,
    /// Progress of unlocking: (records loaded, total).
    pub loading: RwSignal<(usize, usize)>,
    /// Set when this browser's device was wiped, until the next sign-in.
    pub wiped: RwSignal<Option<WipeReason>>,
    /// Why the last unlock failed, until the next try.
    pub unlock_failure: RwSignal<Option<UnlockFailure>>,
}

impl ClientState {
    /// Creates the state and puts it in context; call once at the root.
    pub fn provide() -> ClientState {
        let state = ClientState {
            phase: RwSignal::new(Phase::Starting),
            status: RwSignal::new(SyncStatus::default()),
            revision: RwSignal::new(0),
            screen: RwSignal::new(Screen::default()),
            navigation: RwSignal::new(None),
            caseload_view: RwSignal::new(Default::default()),
            renamed: RwSignal::new(None),
            owner: RwSignal::new(None),
            loading: RwSignal::new((0, 0)),
            wiped: RwSignal::new(None),
            unlock_failure: RwSignal::new(None),
        };
        provide_context(state);
        state
    }

    /// The state from context.
    pub fn get() -> ClientState {
        expect_context::<ClientState>()
    }

    /// Opens a screen: draws it now and asks the router for its address
    /// (a new history entry, so "back" returns here).
    pub fn open(&self, screen: Screen) {
        self.renamed.set(None);
        self.show(screen.clone());
        self.navigation.set(Some((screen, false)));
    }

    /// Gives the open page a new address without drawing it again: a new
    /// note, once saved, lives at its record's address, so a reload
    /// reopens the note instead of an empty form.
    pub fn rename(&self, screen: Screen) {
        let page = self.screen.get_untracked().page();
        self.renamed.set(Some((screen.clone(), page)));
        self.show(screen.clone());
        self.navigation.set(Some((screen, true)));
    }

    /// Sets the open screen (when it differs), forgetting a rename that
    /// no longer applies.
    pub fn show(&self, screen: Screen) {
        if self
            .renamed
            .get_untracked()
            .is_some_and(|(address, _)| address != screen)
        {
            self.renamed.set(None);
        }
        if self.screen.get_untracked() != screen {
            self.screen.set(screen);
        }
    }

    /// The page to draw for the open screen: its own, or the one it was
    /// renamed from.
    pub fn page(&self) -> Screen {
        let screen = self.screen.get();
        match self.renamed.get_untracked() {
            Some((address, page)) if address == screen => page,
            _ => screen.page(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::WipeReason;

    #[test]
    fn a_wipe_reason_reads_back_from_its_code_and_nothing_else_does() {
        for reason in [WipeReason::ReportedLost, WipeReason::UnlockLimit] {
            assert_eq!(WipeReason::from_code(reason.code()), Some(reason));
        }
        assert_eq!(WipeReason::from_code(""), None);
        assert_eq!(WipeReason::from_code("lost"), None);
    }
}

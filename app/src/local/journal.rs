//! The save journal: a save counts once its sealed writes are appended to
//! a file in the origin-private file system and flushed, which is an fsync
//! (about a millisecond here), instead of once a strict IndexedDB
//! transaction commits (p95 11–15 ms in Chromium). The writes are folded
//! into IndexedDB right after and the file is cleared; unlocking replays
//! whatever a killed tab left in it before reading IndexedDB.
//!
//! Only a dedicated worker may hold the synchronous file handle, so the
//! file belongs to `/journal-worker.js`, and this module talks to it by
//! messages. The format is in `journal_format`.

use super::js::{JsError, describe, sleep};
use js_sys::{Function, Object, Promise, Reflect, Uint8Array};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{MessageEvent, Worker};

/// The worker's address (a file in `public/`, kept by the service worker).
const WORKER: &str = "/journal-worker.js";
/// What the worker answers when the browser has no synchronous file handles.
const UNSUPPORTED: &str = "unsupported";
/// How long to wait for a tab that is just letting go of the file.
const OPEN_ATTEMPTS: u32 = 20;

type Replies = Rc<RefCell<HashMap<u32, (Function, Function)>>>;

/// Why the journal could not be opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpenError {
    /// This browser has no origin-private file system with synchronous
    /// handles: saves wait for IndexedDB instead.
    Unsupported,
    /// The file is held by another tab (or the worker failed).
    Unavailable(JsError),
}

/// The open journal. Dropping it stops the worker, which lets go of the file.
pub struct Journal {
    worker: Worker,
    replies: Replies,
    next_id: Cell<u32>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(JsValue)>,
}

impl Journal {
    /// Starts the worker and opens the file, retrying for about a second
    /// while another tab lets go of it.
    pub async fn open() -> Result<Journal, OpenError> {
        let mut last = None;
        for attempt in 0..OPEN_ATTEMPTS {
            if attempt > 0 {
                sleep(50).await;
            }
            let journal = Journal::start().map_err(OpenError::Unavailable)?;
            match journal.call("open", None, "open the save journal").await {
                Ok(_) => return Ok(journal),
                Err(error) if error.message.contains(UNSUPPORTED) => {
                    return Err(OpenError::Unsupported);
                }
                Err(error) => last = Some(error),
            }
        }
        Err(OpenError::Unavailable(last.expect("at least one attempt")))
    }

    fn start() -> Result<Journal, JsError> {
        let context = "start the save journal";
        let worker = Worker::new(WORKER).map_err(|e| JsError {
            context,
            message: describe(&e),
        })?;
        let replies: Replies = Rc::default();
        let answered = replies.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let data = event.data();
            let field =
                |name: &str| Reflect::get(&data, &name.into()).unwrap_or(JsValue::UNDEFINED);
            let Some(id) = field("id").as_f64() else {
                return;
            };
            if let Some((resolve, reject)) = answered.borrow_mut().remove(&(id as u32)) {
                if field("ok").is_truthy() {
                    let _ = resolve.call1(&JsValue::NULL, &field("bytes"));
                } else {
                    let _ = reject.call1(&JsValue::NULL, &field("error"));
                }
            }
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        // A worker that cannot load (or dies) answers nothing: fail what waits.
        let failed = replies.clone();
        let on_error = Closure::<dyn FnMut(JsValue)>::new(move |_event: JsValue| {
            for (_, (_, reject)) in failed.borrow_mut().drain() {
                let _ = reject.call1(&JsValue::NULL, &"the journal worker failed".into());
            }
        });
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(Journal {
            worker,
            replies,
            next_id: Cell::new(0),
            _on_message: on_message,
            _on_error: on_error,
        })
    }

    async fn call(
        &self,
        op: &str,
        bytes: Option<&[u8]>,
        context: &'static str,
    ) -> Result<JsValue, JsError> {
        let id = self.next_id.get();
        self.next_id.set(id.wrapping_add(1));
        let replies = self.replies.clone();
        let answer = Promise::new(&mut |resolve, reject| {
            replies.borrow_mut().insert(id, (resolve, reject));
        });
        let message = Object::new();
        let fail = |e: JsValue| JsError {
            context,
            message: describe(&e),
        };
        Reflect::set(&message, &"id".into(), &id.into()).map_err(fail)?;
        Reflect::set(&message, &"op".into(), &op.into()).map_err(fail)?;
        if let Some(bytes) = bytes {
            Reflect::set(&message, &"bytes".into(), &Uint8Array::from(bytes)).map_err(fail)?;
        }
        if let Err(error) = self.worker.post_message(&message) {
            self.replies.borrow_mut().remove(&id);
            return Err(fail(error));
        }
        JsFuture::from(answer).await.map_err(fail)
    }

    /// Appends one frame and returns once it is flushed to disk. A failed
    /// append leaves the file as it was.
    pub async fn append(&self, frame: &[u8]) -> Result<(), JsError> {
        self.call("append", Some(frame), "write the save journal")
            .await
            .map(|_| ())
    }

    /// The whole file.
    pub async fn read(&self) -> Result<Vec<u8>, JsError> {
        let bytes = self.call("read", None, "read the save journal").await?;
        Ok(bytes
            .dyn_into::<Uint8Array>()
            .map(|b| b.to_vec())
            .unwrap_or_default())
    }

    /// Empties the file (its writes are in IndexedDB now).
    pub async fn clear(&self) -> Result<(), JsError> {
        self.call("clear", None, "clear the save journal")
            .await
            .map(|_| ())
    }
}

impl Drop for Journal {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}

/// Deletes the journal's file (wiping the device). Call with no journal
/// open; a browser without the file system has nothing to delete.
pub async fn remove_file() -> Result<(), JsError> {
    let context = "delete the save journal";
    let fail = |e: JsValue| JsError {
        context,
        message: describe(&e),
    };
    let Some(storage) = web_sys::window()
        .map(|w| w.navigator())
        .and_then(|n| Reflect::get(&n, &"storage".into()).ok())
        .filter(|s| !s.is_undefined())
    else {
        return Ok(());
    };
    let Ok(get_directory) =
        Reflect::get(&storage, &"getDirectory".into()).and_then(|f| f.dyn_into::<Function>())
    else {
        return Ok(());
    };
    let root = JsFuture::from(Promise::from(get_directory.call0(&storage).map_err(fail)?))
        .await
        .map_err(fail)?;
    let remove: Function = Reflect::get(&root, &"removeEntry".into())
        .map_err(fail)?
        .dyn_into()
        .map_err(fail)?;
    let mut last = None;
    // A worker just stopped may hold the file for a moment longer.
    for _ in 0..OPEN_ATTEMPTS {
        let removing = remove
            .call1(&root, &"tsunagu-journal".into())
            .map_err(fail)?;
        match JsFuture::from(Promise::from(removing)).await {
            Ok(_) => return Ok(()),
            Err(error) if describe(&error).starts_with("NotFoundError") => return Ok(()),
            Err(error) => last = Some(fail(error)),
        }
        sleep(50).await;
    }
    Err(last.expect("at least one attempt"))
}

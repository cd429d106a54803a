// Tsunagu's save journal (app/src/local/journal.rs): this dedicated worker
// owns one file in the origin-private file system through a
// FileSystemSyncAccessHandle, the only browser storage whose flush() is a
// real fsync that returns in about a millisecond. The page sends a save's
// sealed (encrypted) writes here and counts the save once the append is
// flushed; it folds them into IndexedDB afterwards and then clears the file.
// The file holds only sealed bytes, never anything readable.
// Messages: {id, op: "open" | "append" | "read" | "clear", bytes?};
// replies: {id, ok, bytes?, error?}.
//
// The file is kept at PREALLOCATED bytes or more, zero-filled, and frames
// are written over the zeros from the start: an append that does not grow
// the file needs no metadata in its fsync (measured: extending the file
// at each save made flush() the most of a save). Clearing zeroes the
// first frame's header and flushes before zeroing the rest, so a reader
// after a crash mid-clear finds nothing at the start; nothing is appended
// until the whole used part is zeros again.
"use strict";
const FILE = "tsunagu-journal";
const PREALLOCATED = 256 * 1024;
const ZEROS = new Uint8Array(64 * 1024);
let handle = null;
/** Where the next frame goes; the bytes from here on are zeros. */
let end = 0;
/** Opened and not cleared yet: the whole file may hold frames. */
let opened = false;

function zero(from, to) {
  for (let at = from; at < to; at += ZEROS.length) {
    handle.write(ZEROS.subarray(0, Math.min(ZEROS.length, to - at)), { at });
  }
}

/** Empties the journal: everything up to `upTo` becomes zeros, then the
 * file is at least PREALLOCATED long. */
function clear(upTo) {
  if (upTo > 0) {
    zero(0, Math.min(12, upTo));
    handle.flush();
    zero(12, upTo);
  }
  if (handle.getSize() < PREALLOCATED) zero(handle.getSize(), PREALLOCATED);
  handle.flush();
  end = 0;
}

async function open() {
  if (handle) return;
  if (!self.FileSystemSyncAccessHandle || !navigator.storage || !navigator.storage.getDirectory) {
    throw new Error("unsupported");
  }
  const root = await navigator.storage.getDirectory();
  const file = await root.getFileHandle(FILE, { create: true });
  handle = await file.createSyncAccessHandle();
  opened = true;
}

function append(bytes) {
  const at = end;
  try {
    const written = handle.write(bytes, { at });
    if (written !== bytes.byteLength) throw new Error("short write (" + written + " of " + bytes.byteLength + ")");
    handle.flush();
    end = at + bytes.byteLength;
  } catch (error) {
    // Never leave a torn frame before the next one: zero it again.
    try { zero(at, at + bytes.byteLength); handle.flush(); } catch (_) { /* reading stops at a torn frame anyway */ }
    throw error;
  }
}

self.onmessage = async (event) => {
  const { id, op, bytes } = event.data;
  try {
    if (op === "open") {
      await open();
      self.postMessage({ id, ok: true });
    } else if (op === "append") {
      append(bytes);
      self.postMessage({ id, ok: true });
    } else if (op === "read") {
      const data = new Uint8Array(handle.getSize());
      handle.read(data, { at: 0 });
      self.postMessage({ id, ok: true, bytes: data }, [data.buffer]);
    } else if (op === "clear") {
      // At open, what a killed tab left may reach anywhere in the file.
      clear(opened ? handle.getSize() : end);
      opened = false;
      self.postMessage({ id, ok: true });
    } else {
      throw new Error("unknown journal operation " + op);
    }
  } catch (error) {
    const name = error && error.name ? error.name + ": " : "";
    self.postMessage({ id, ok: false, error: name + String(error && error.message || error) });
  }
};

// Tsunagu's save journal (app/src/local/journal.rs): this dedicated worker
// owns one file in the origin-private file system through a
// FileSystemSyncAccessHandle, the only browser storage whose flush() is a
// real fsync that returns in about a millisecond. The page sends a save's
// sealed (encrypted) writes here and counts the save once the append is
// flushed; it folds them into IndexedDB afterwards and then clears the file.
// The file holds only sealed bytes, never anything readable.
// Messages: {id, op: "open" | "append" | "read" | "clear", bytes?};
// replies: {id, ok, bytes?, error?}.
"use strict";
const FILE = "tsunagu-journal";
let handle = null;

async function open() {
  if (handle) return;
  if (!self.FileSystemSyncAccessHandle || !navigator.storage || !navigator.storage.getDirectory) {
    throw new Error("unsupported");
  }
  const root = await navigator.storage.getDirectory();
  const file = await root.getFileHandle(FILE, { create: true });
  handle = await file.createSyncAccessHandle();
}

function append(bytes) {
  const at = handle.getSize();
  try {
    const written = handle.write(bytes, { at });
    if (written !== bytes.byteLength) throw new Error("short write (" + written + " of " + bytes.byteLength + ")");
    handle.flush();
  } catch (error) {
    // Never leave a torn frame before the next one: cut back to where it began.
    try { handle.truncate(at); handle.flush(); } catch (_) { /* reading stops at a torn frame anyway */ }
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
      handle.truncate(0);
      handle.flush();
      self.postMessage({ id, ok: true });
    } else {
      throw new Error("unknown journal operation " + op);
    }
  } catch (error) {
    const name = error && error.name ? error.name + ": " : "";
    self.postMessage({ id, ok: false, error: name + String(error && error.message || error) });
  }
};

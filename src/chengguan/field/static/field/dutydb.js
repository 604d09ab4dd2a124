// The phone's store for the 值班 tab (IndexedDB, a database of its own beside the reports' one):
// clock-ins and -outs queued with their keys and device times, the track points buffered while on
// duty, the sealed batches waiting to be uploaded (each with its own key), and small settings (the
// cached shifts, the track consent).

const NAME = "chengguan-field-duty";
const VERSION = 1;
export const STORES = ["clock", "points", "batches", "meta"];

let opening = null;

function open() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      const request = indexedDB.open(NAME, VERSION);
      request.onupgradeneeded = () => {
        const db = request.result;
        if (!db.objectStoreNames.contains("clock")) db.createObjectStore("clock", { keyPath: "key" });
        if (!db.objectStoreNames.contains("points")) db.createObjectStore("points", { autoIncrement: true });
        if (!db.objectStoreNames.contains("batches")) db.createObjectStore("batches", { keyPath: "key" });
        if (!db.objectStoreNames.contains("meta")) db.createObjectStore("meta", { keyPath: "name" });
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => {
        opening = null;
        reject(request.error);
      };
    });
  }
  return opening;
}

async function run(stores, mode, work) {
  const db = await open();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(stores, mode);
    const result = work(tx);
    tx.oncomplete = () => resolve(result && "result" in result ? result.result : result);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

export const all = (store) => run(store, "readonly", (tx) => tx.objectStore(store).getAll());
export const put = (store, value) => run(store, "readwrite", (tx) => tx.objectStore(store).put(value));
export const del = (store, key) => run(store, "readwrite", (tx) => tx.objectStore(store).delete(key));
export const count = (store) => run(store, "readonly", (tx) => tx.objectStore(store).count());

export async function wipe() {
  await run(STORES, "readwrite", (tx) => {
    for (const store of STORES) tx.objectStore(store).clear();
  });
}

export async function meta(name) {
  const row = await run("meta", "readonly", (tx) => tx.objectStore("meta").get(name));
  return row ? row.value : undefined;
}

export const setMeta = (name, value) => put("meta", { name, value });

// The buffered points become one batch with a new key, in one transaction: a batch, once made, is
// sent again with the same key until the server answers, and no point is in two batches.
export function seal() {
  return run(["points", "batches"], "readwrite", (tx) => {
    const points = tx.objectStore("points");
    const made = { key: null };
    const request = points.getAll();
    request.onsuccess = () => {
      if (!request.result.length) return;
      made.key = crypto.randomUUID();
      tx.objectStore("batches").put({ key: made.key, createdAt: new Date().toISOString(), points: request.result });
      points.clear();
    };
    return made;
  }).then((made) => made.key);
}

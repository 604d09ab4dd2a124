// The phone's own store (IndexedDB): the queue of reports with their photos as Blobs, the sign-in
// (device token) and the cached taxonomy. Used by the page and by the service worker alike.

const NAME = "chengguan-field";
const VERSION = 1;
export const STORES = ["queue", "meta", "categories"];

let opening = null;

export function open() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      const request = indexedDB.open(NAME, VERSION);
      request.onupgradeneeded = () => {
        const db = request.result;
        if (!db.objectStoreNames.contains("queue")) db.createObjectStore("queue", { keyPath: "key" });
        if (!db.objectStoreNames.contains("meta")) db.createObjectStore("meta", { keyPath: "name" });
        if (!db.objectStoreNames.contains("categories")) db.createObjectStore("categories", { keyPath: "code" });
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

async function run(store, mode, work) {
  const db = await open();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(store, mode);
    const result = work(tx.objectStore(store));
    tx.oncomplete = () => resolve(result && "result" in result ? result.result : undefined);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

export const get = (store, key) => run(store, "readonly", (s) => s.get(key));
export const all = (store) => run(store, "readonly", (s) => s.getAll());
export const put = (store, value) => run(store, "readwrite", (s) => s.put(value));
export const del = (store, key) => run(store, "readwrite", (s) => s.delete(key));
export const clear = (store) => run(store, "readwrite", (s) => s.clear());

export async function putMany(store, values) {
  return run(store, "readwrite", (s) => {
    s.clear();
    for (const value of values) s.put(value);
  });
}

export async function meta(name) {
  const row = await get("meta", name);
  return row ? row.value : undefined;
}

export const setMeta = (name, value) => put("meta", { name, value });

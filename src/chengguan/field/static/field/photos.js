// Photos on the device: the EXIF time and GPS read from the original, then (when the file is large
// or the link slow) a JPEG re-encoded through a canvas, longest side 1600 px. The SHA-256 is of the
// bytes that will be sent, which the server recomputes; since compression strips EXIF, the EXIF read
// here is sent beside the photo (`photo_exif`) and kept by the server in its place.

export const MAX_SIDE = 1600;
const LARGE = 1024 * 1024; // bytes: a photo this big is compressed whatever the link
const SLOW = ["slow-2g", "2g", "3g"];

export async function sha256(blob) {
  const digest = await crypto.subtle.digest("SHA-256", await blob.arrayBuffer());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export function slowLink() {
  const c = navigator.connection;
  return Boolean(c && (c.saveData || SLOW.includes(c.effectiveType)));
}

// -- EXIF (JPEG APP1, TIFF): DateTimeOriginal (or DateTime) and the GPS position -------------------

function readExif(buffer) {
  const view = new DataView(buffer);
  if (view.byteLength < 4 || view.getUint16(0) !== 0xffd8) return {};
  let offset = 2;
  while (offset + 4 <= view.byteLength) {
    const marker = view.getUint16(offset);
    const length = view.getUint16(offset + 2);
    if (marker === 0xffe1 && view.getUint32(offset + 4) === 0x45786966) return tiff(view, offset + 10);
    if ((marker & 0xff00) !== 0xff00 || marker === 0xffda) break;
    offset += 2 + length;
  }
  return {};
}

function tiff(view, start) {
  const little = view.getUint16(start) === 0x4949;
  const u16 = (o) => view.getUint16(start + o, little);
  const u32 = (o) => view.getUint32(start + o, little);
  const ifd = (o) => {
    const out = {};
    if (start + o + 2 > view.byteLength) return out;
    const count = u16(o);
    for (let i = 0; i < count; i++) {
      const e = o + 2 + i * 12;
      if (start + e + 12 > view.byteLength) break;
      out[u16(e)] = { type: u16(e + 2), count: u32(e + 4), at: e + 8 };
    }
    return out;
  };
  const ascii = (entry) => {
    const at = entry.count > 4 ? u32(entry.at) : entry.at;
    let text = "";
    for (let i = 0; i < entry.count - 1; i++) text += String.fromCharCode(view.getUint8(start + at + i));
    return text;
  };
  const rationals = (entry) => {
    const at = u32(entry.at);
    const out = [];
    for (let i = 0; i < entry.count; i++) out.push(u32(at + i * 8) / (u32(at + i * 8 + 4) || 1));
    return out;
  };
  try {
    const main = ifd(u32(4));
    const exif = main[0x8769] ? ifd(u32(main[0x8769].at)) : {};
    const result = {};
    const stamp = exif[0x9003] || main[0x0132];
    if (stamp) {
      const m = ascii(stamp).match(/^(\d{4}):(\d\d):(\d\d) (\d\d):(\d\d):(\d\d)/);
      // Phones write local time without a zone; the server reads it as Beijing time, as for a file.
      if (m) result.taken_at = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}`;
    }
    if (main[0x8825]) {
      const gps = ifd(u32(main[0x8825].at));
      if (gps[2] && gps[4]) {
        const deg = (v) => v[0] + v[1] / 60 + v[2] / 3600;
        const ref = (tag) => String.fromCharCode(view.getUint8(start + gps[tag].at));
        let lat = deg(rationals(gps[2]));
        let lon = deg(rationals(gps[4]));
        if (gps[1] && ref(1) === "S") lat = -lat;
        if (gps[3] && ref(3) === "W") lon = -lon;
        if (Number.isFinite(lat) && Number.isFinite(lon)) Object.assign(result, { lon, lat });
      }
    }
    return result;
  } catch {
    return {};
  }
}

export async function exifOf(blob) {
  try {
    return readExif(await blob.slice(0, 256 * 1024).arrayBuffer());
  } catch {
    return {};
  }
}

// -- compression -------------------------------------------------------------------------------------

async function reencode(blob) {
  const bitmap = await createImageBitmap(blob, { imageOrientation: "from-image" });
  const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
  const width = Math.round(bitmap.width * scale);
  const height = Math.round(bitmap.height * scale);
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  canvas.getContext("2d").drawImage(bitmap, 0, 0, width, height);
  bitmap.close?.();
  return new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.82));
}

// A photo ready for the queue: the bytes to send, their SHA-256, and the original's EXIF.
export async function prepare(file, { force = false } = {}) {
  const exif = await exifOf(file);
  let blob = file;
  let compressed = false;
  if (force || file.size > LARGE || slowLink()) {
    try {
      const smaller = await reencode(file);
      if (smaller && smaller.size < file.size) {
        blob = smaller;
        compressed = true;
      }
    } catch {
      /* not an image the browser can draw: sent as taken */
    }
  }
  const base = (file.name || "photo").replace(/\.[^.]*$/, "");
  return {
    blob,
    name: compressed ? base + ".jpg" : file.name || "photo.jpg",
    type: compressed ? "image/jpeg" : file.type,
    sha256: await sha256(blob),
    exif,
    compressed,
    originalSize: file.size,
  };
}

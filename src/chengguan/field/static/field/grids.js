// The user's scope grid outlines, cached on the phone (IndexedDB "meta"), so the grid of a report is
// known on the device when there is no network (point in polygon, WGS-84). The server still
// computes the grid itself on sync; the device's answer is only shown.

import * as db from "./db.js";

const KEY = "grids";

export async function refreshGrids(api) {
  try {
    const response = await api("grid-outlines/");
    if (!response.ok) return false;
    const body = await response.json();
    const grids = body.features.map((f) => ({ code: f.properties.code || f.id, geometry: f.geometry, box: boxOf(f.geometry) }));
    await db.setMeta(KEY, { at: new Date().toISOString(), grids, truncated: Boolean(body.truncated) });
    return true;
  } catch {
    return false; /* offline: the cached outlines stay */
  }
}

export async function cachedGrids() {
  return (await db.meta(KEY)) || { at: null, grids: [] };
}

function rings(geometry) {
  if (!geometry) return [];
  if (geometry.type === "Polygon") return [geometry.coordinates];
  if (geometry.type === "MultiPolygon") return geometry.coordinates;
  return [];
}

function boxOf(geometry) {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const polygon of rings(geometry)) {
    for (const [x, y] of polygon[0] || []) {
      x0 = Math.min(x0, x);
      y0 = Math.min(y0, y);
      x1 = Math.max(x1, x);
      y1 = Math.max(y1, y);
    }
  }
  return [x0, y0, x1, y1];
}

// Even-odd rule over one ring.
function inRing(ring, x, y) {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

export function inGeometry(geometry, x, y) {
  return rings(geometry).some(([outer, ...holes]) => outer && inRing(outer, x, y) && !holes.some((h) => inRing(h, x, y)));
}

// The code of the cached grid that holds (lon, lat), or "" when none does.
export async function gridAt(lon, lat) {
  if (lon == null || lat == null) return "";
  const { grids } = await cachedGrids();
  for (const grid of grids) {
    const [x0, y0, x1, y1] = grid.box;
    if (lon < x0 || lon > x1 || lat < y0 || lat > y1) continue;
    if (inGeometry(grid.geometry, lon, lat)) return grid.code;
  }
  return "";
}

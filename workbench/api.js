// SPDX-License-Identifier: MIT
// The JSON API of `tiersim serve` (docs/workbench.md, "The API").

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error || `HTTP ${status}`);
    this.status = status;
    this.errors = body?.errors || [];
  }
}

// Scenario names may hold a slash (workspace/NAME, bench/mmc): each part is encoded on its own
// so the slash stays a path separator.
const namePath = (name) => name.split("/").map(encodeURIComponent).join("/");

async function request(method, path, body) {
  const init = { method, headers: {} };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  const text = await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = { error: text.trim() };
    }
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

const get = (path) => request("GET", path);
const post = (path, body) => request("POST", path, body);

export const api = {
  version: () => get("/api/version"),
  scenarios: () => get("/api/scenarios"),
  scenario: (name) => get(`/api/scenarios/${namePath(name)}`),
  schema: () => get("/api/schema"),
  validate: (body) => post("/api/validate", body),
  createJob: (body) => post("/api/jobs", body),
  jobs: () => get("/api/jobs"),
  job: (id) => get(`/api/jobs/${encodeURIComponent(id)}`),
  cancel: (id) => post(`/api/jobs/${encodeURIComponent(id)}/cancel`, {}),
  result: (id) => get(`/api/jobs/${encodeURIComponent(id)}/result`),
  series: (id, arm) => get(`/api/jobs/${encodeURIComponent(id)}/series?arm=${arm}`),
  units: (id, arm, tier) =>
    get(`/api/jobs/${encodeURIComponent(id)}/units?arm=${arm}&tier=${tier}`),
  saveOverlay: (body) => post("/api/overlays", body),
  eventsUrl: (id) => `/api/jobs/${encodeURIComponent(id)}/events`,
  fileUrl: (id, file) => `/api/jobs/${encodeURIComponent(id)}/files/${encodeURIComponent(file)}`,
};

// URLs of pages and API resources, with every dynamic segment encoded in one place.
const seg = encodeURIComponent;

export const modelHref = (model: string) => `/models/${seg(model)}`;

export const versionHref = (model: string, version: string) => `/models/${seg(model)}/versions/${seg(version)}`;

export const checksHref = (model: string, version: string) => `/models/${seg(model)}/versions/${seg(version)}/checks`;

/** The version as JSON from the REST API (the full canonical manifest); the browser's session authorises it. */
export const versionApiHref = (model: string, version: string) => `/api/v1/models/${seg(model)}/versions/${seg(version)}`;

/** The REST download of one file; `path` may contain '/', each segment is encoded on its own. */
export const fileDownloadHref = (model: string, version: string, path: string) =>
  `/api/v1/models/${seg(model)}/versions/${seg(version)}/files/${path.split("/").map(seg).join("/")}`;

export const decisionHref = (id: string) => `/decisions/${seg(id)}`;

/** The decision search with its filters in the query (empty values left out). */
export const decisionsHref = (filters: Record<string, string | undefined> = {}) => {
  const query = new URLSearchParams(Object.entries(filters).filter((e): e is [string, string] => !!e[1])).toString();
  return query ? `/decisions?${query}` : "/decisions";
};

/** Bulk replays: the list, with the start form's fields pre-filled from `prefill` (a decision search's filters). */
export const replayJobsHref = (prefill: Record<string, string | undefined> = {}) => {
  const query = new URLSearchParams(Object.entries(prefill).filter((e): e is [string, string] => !!e[1])).toString();
  return query ? `/decisions/replays?${query}` : "/decisions/replays";
};

export const replayJobHref = (id: string) => `/decisions/replays/${seg(id)}`;

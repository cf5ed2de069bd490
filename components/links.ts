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

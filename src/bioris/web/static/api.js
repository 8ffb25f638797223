// The JSON API, from the browser. Every request stays on this origin (CSP connect-src 'self').

/** An API answer that is not 2xx: the server's {status, message}, or a network failure (0). */
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.name = "ApiError";
    this.status = status;
  }
}

/** "?a=1&b=x" from an object, leaving out empty values; an array repeats its key
 * ("?layer=a&layer=b"); "" when nothing is left. */
export function queryString(params = {}) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item === undefined || item === null || item === "") continue;
      search.append(key, String(item));
    }
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

/** GET a JSON document; throws ApiError with the server's message when it fails. */
export async function getJSON(path, params = {}, { signal } = {}) {
  let response;
  try {
    response = await fetch(path + queryString(params), {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      signal,
    });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new ApiError(0, `The server did not answer (${error.message}).`);
  }
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (!response.ok) {
    const message = body && typeof body.message === "string" ? body.message : response.statusText;
    throw new ApiError(response.status, message || `HTTP ${response.status}`);
  }
  return body;
}

let metaPromise = null;

/** /api/meta, fetched once per page load. */
export function getMeta() {
  if (!metaPromise) {
    metaPromise = getJSON("/api/meta").catch((error) => {
      metaPromise = null; // let a later view try again
      throw error;
    });
  }
  return metaPromise;
}

let namesPromise = null;

/** actor_id -> name for (up to the API's page limit of) all actors, fetched once. */
export function getActorNames() {
  if (!namesPromise) {
    namesPromise = (async () => {
      const meta = await getMeta();
      const pageSize = meta?.settings?.max_page_size || 1000;
      const names = new Map();
      let page = 1;
      // A few pages at most: the viewer is for regional datasets of hundreds of actors.
      for (; page <= 5; page += 1) {
        const answer = await getJSON("/api/actors", { page, page_size: pageSize });
        for (const actor of answer.items || []) names.set(actor.actor_id, actor.name);
        if (page * pageSize >= (answer.total || 0)) break;
      }
      return names;
    })().catch((error) => {
      namesPromise = null;
      throw error;
    });
  }
  return namesPromise;
}

/**
 * The items API (runtime/items/README.md), called on the page's own origin under
 * config.apiBase: CloudFront routes apiBase/* to API Gateway and strips the prefix, so
 * no CORS is involved.
 *
 * The ID token goes in the Authorization header as it is (no "Bearer " prefix), which is
 * what API Gateway's Cognito user pool authorizer reads. A 401 is API Gateway refusing
 * the token (expired, revoked or from another pool): SessionExpiredError, and the page
 * asks the person to sign in again. Every other error carries the API's own message.
 */

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export class SessionExpiredError extends Error {
  constructor() {
    super("Your session has expired. Please sign in again.");
  }
}

export const PAGE_SIZE = 20;

async function errorMessage(response) {
  const body = await response.json().catch(() => null);
  if (body && typeof body.message === "string" && body.message) return body.message;
  return `the server answered HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`;
}

/** The API's calls; `idToken()` returns the current ID token or null when there is none. */
export function itemsApi(apiBase, idToken) {
  async function request(method, path, body) {
    const token = idToken();
    if (!token) throw new SessionExpiredError();
    const headers = { Accept: "application/json", Authorization: token };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let response;
    try {
      response = await fetch(`${apiBase}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: "no-store",
        credentials: "omit",
      });
    } catch {
      throw new ApiError(0, "the server could not be reached; check the connection and try again");
    }
    if (response.status === 401) throw new SessionExpiredError();
    if (!response.ok) throw new ApiError(response.status, await errorMessage(response));
    return response.status === 204 ? null : response.json();
  }

  const itemPath = (id) => `/items/${encodeURIComponent(id)}`;
  return {
    /** One page: `{ items, next_cursor }`; pass the previous page's next_cursor for the next. */
    listItems(cursor) {
      const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
      if (cursor) query.set("cursor", cursor);
      return request("GET", `/items?${query}`);
    },
    createItem(fields) {
      return request("POST", "/items", fields);
    },
    /** Applies only if the stored item is still at `version` (else ApiError 409). */
    updateItem(id, fields, version) {
      return request("PUT", itemPath(id), { ...fields, version });
    },
    deleteItem(id) {
      return request("DELETE", itemPath(id));
    },
  };
}

/**
 * The app's settings, read from /config.json beside the page.
 *
 * The stack writes config.json at deploy time, so the same files serve every stage:
 *
 *   {
 *     "authority": "https://<domain>.auth.<region>.amazoncognito.com",
 *     "clientId": "<user pool app client id>",
 *     "apiBase": "/api",
 *     "redirectPath": "/",
 *     "scopes": ["openid", "email"]
 *   }
 *
 * - authority: the user pool's managed login domain (Cognito prefix domain or custom
 *   domain), with no query or fragment; https, or http on a loopback host only (the
 *   local stand-in of tests/browser). /oauth2/authorize, /oauth2/token and /logout are
 *   appended to it.
 * - clientId: the public app client (no secret), Cognito's pattern [\w+]{1,128}.
 * - apiBase: the same-origin path that CloudFront routes to API Gateway; it strips this
 *   prefix, so "/api/items" reaches the API as "/items".
 * - redirectPath: the path of this page, which must be both a callback URL and a
 *   sign-out URL of the app client (with the site's origin in front).
 * - scopes: the OAuth scopes to ask for; "openid" is required, for the ID token.
 *
 * Every key is required and no other key is allowed, so a typo fails loudly here
 * rather than as a confusing sign-in error later.
 */

export class ConfigError extends Error {}

const KEYS = ["authority", "clientId", "apiBase", "redirectPath", "scopes"];
const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);
const CLIENT_ID = /^[\w+]{1,128}$/;
const SAME_ORIGIN_PATH = /^(\/[A-Za-z0-9._~-]+)+$/;
const PAGE_PATH = /^\/([A-Za-z0-9._~-]+\/?)*$/;
// RFC 6749 section 3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

function describe(value) {
  return JSON.stringify(value) ?? String(value);
}

function fail(key, value, allowed) {
  throw new ConfigError(`config.json: ${key} (${describe(value)}) must be ${allowed}`);
}

function checkAuthority(value) {
  let url;
  try {
    url = new URL(value);
  } catch {
    fail("authority", value, "an absolute URL such as https://<domain>.auth.<region>.amazoncognito.com");
  }
  const secure = url.protocol === "https:" || (url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname));
  if (!secure || url.search || url.hash || url.username || url.password) {
    fail("authority", value, "an https URL with no query, fragment or credentials (http only on localhost)");
  }
  return url.href.replace(/\/+$/, "");
}

function checkScopes(value) {
  const valid =
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((scope) => typeof scope === "string" && SCOPE_TOKEN.test(scope)) &&
    new Set(value).size === value.length;
  if (!valid || !value.includes("openid")) {
    fail("scopes", value, 'a list of unique OAuth scopes that includes "openid"');
  }
  return [...value];
}

/** The validated settings from the parsed config.json; throws ConfigError naming the key. */
export function parseConfig(raw) {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new ConfigError(`config.json must hold a JSON object with the keys ${KEYS.join(", ")}`);
  }
  const unknown = Object.keys(raw).filter((key) => !KEYS.includes(key));
  if (unknown.length) {
    throw new ConfigError(`config.json: unknown key(s) ${unknown.join(", ")} (allowed: ${KEYS.join(", ")})`);
  }
  const missing = KEYS.filter((key) => !(key in raw));
  if (missing.length) {
    throw new ConfigError(`config.json: missing key(s) ${missing.join(", ")}`);
  }
  if (typeof raw.authority !== "string") fail("authority", raw.authority, "a string");
  if (typeof raw.clientId !== "string" || !CLIENT_ID.test(raw.clientId)) {
    fail("clientId", raw.clientId, "an app client id of 1 to 128 letters, digits, _ or +");
  }
  if (typeof raw.apiBase !== "string" || !SAME_ORIGIN_PATH.test(raw.apiBase)) {
    fail("apiBase", raw.apiBase, 'a same-origin path such as "/api", with no trailing slash');
  }
  if (typeof raw.redirectPath !== "string" || !PAGE_PATH.test(raw.redirectPath)) {
    fail("redirectPath", raw.redirectPath, 'a path on this site such as "/"');
  }
  return Object.freeze({
    authority: checkAuthority(raw.authority),
    clientId: raw.clientId,
    apiBase: raw.apiBase,
    redirectPath: raw.redirectPath,
    scopes: Object.freeze(checkScopes(raw.scopes)),
  });
}

/** Fetches and validates /config.json. */
export async function loadConfig() {
  let response;
  try {
    response = await fetch("/config.json", { cache: "no-store", credentials: "omit" });
  } catch {
    throw new ConfigError("config.json could not be loaded: the server did not answer");
  }
  if (!response.ok) {
    throw new ConfigError(`config.json could not be loaded: HTTP ${response.status}`);
  }
  let raw;
  try {
    raw = await response.json();
  } catch {
    throw new ConfigError("config.json is not valid JSON");
  }
  return parseConfig(raw);
}

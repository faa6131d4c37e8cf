/**
 * Sign-in with Cognito managed login: OAuth 2.0 authorization code flow with PKCE.
 *
 * - The page is a public client: it holds no client secret. PKCE (RFC 7636, S256 via
 *   crypto.subtle) binds the code to this tab, a random `state` ties the answer to the
 *   request this tab made (CSRF), and an OIDC `nonce` ties the ID token to it.
 * - Tokens live in sessionStorage, not localStorage: sessionStorage belongs to this tab
 *   and is dropped when the tab closes, so a token is neither shared with other tabs nor
 *   left behind on the device after the browser is closed. Any script on the origin can
 *   read either store, which is why the edge's CSP allows only the site's own scripts.
 * - Only the ID token is kept: API Gateway's Cognito authorizer (with no scopes on the
 *   method) validates the ID token. The refresh token is not kept: when the ID token
 *   expires the person signs in again (Cognito's session cookie usually makes that a
 *   redirect with no form).
 * - The page does not verify the token's signature (it has no reason to trust itself);
 *   it reads `exp` and `nonce` and the e-mail to show. The API verifies the signature.
 */

const SESSION_KEY = "items-app.session";
const PENDING_KEY = "items-app.pending-sign-in";
// A token this close to expiry is treated as expired, so a request does not race it.
const EXPIRY_MARGIN_MS = 30_000;

export class SignInError extends Error {}

function base64url(bytes) {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function randomToken(byteCount = 32) {
  return base64url(crypto.getRandomValues(new Uint8Array(byteCount)));
}

async function s256(verifier) {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

function decodeJwtPayload(token) {
  const parts = typeof token === "string" ? token.split(".") : [];
  if (parts.length !== 3) throw new SignInError("the identity provider returned no valid ID token");
  const text = atob(parts[1].replace(/-/g, "+").replace(/_/g, "/"));
  const bytes = Uint8Array.from(text, (char) => char.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

function readStored(key) {
  try {
    return JSON.parse(sessionStorage.getItem(key) ?? "null");
  } catch {
    sessionStorage.removeItem(key);
    return null;
  }
}

function redirectUri(config) {
  return new URL(config.redirectPath, window.location.origin).href;
}

/** Sends the browser to managed login; it comes back to redirectPath with ?code&state. */
export async function beginSignIn(config) {
  const pending = { state: randomToken(), verifier: randomToken(), nonce: randomToken() };
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
  const url = new URL(`${config.authority}/oauth2/authorize`);
  url.search = new URLSearchParams({
    response_type: "code",
    client_id: config.clientId,
    redirect_uri: redirectUri(config),
    scope: config.scopes.join(" "),
    state: pending.state,
    nonce: pending.nonce,
    code_challenge: await s256(pending.verifier),
    code_challenge_method: "S256",
  }).toString();
  window.location.assign(url.href);
}

/** True when the URL is the identity provider's answer to a sign-in. */
export function isSignInCallback(url) {
  return url.searchParams.has("state") && (url.searchParams.has("code") || url.searchParams.has("error"));
}

/**
 * Completes a sign-in from the callback URL: checks `state`, exchanges the code at
 * {authority}/oauth2/token with the PKCE verifier, checks the nonce and stores the
 * ID token. Throws SignInError with a message for the person.
 */
export async function completeSignIn(config, url) {
  const pending = readStored(PENDING_KEY);
  // One use only, whatever happens next.
  sessionStorage.removeItem(PENDING_KEY);
  const params = url.searchParams;
  if (!pending || params.get("state") !== pending.state) {
    throw new SignInError("Sign-in could not be completed: it was not started from this tab. Please sign in again.");
  }
  if (params.has("error")) {
    const detail = params.get("error_description") || params.get("error");
    throw new SignInError(`Sign-in failed: ${detail}`);
  }
  let response;
  try {
    response = await fetch(`${config.authority}/oauth2/token`, {
      method: "POST",
      credentials: "omit",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "authorization_code",
        client_id: config.clientId,
        code: params.get("code"),
        redirect_uri: redirectUri(config),
        code_verifier: pending.verifier,
      }),
    });
  } catch {
    throw new SignInError("Sign-in failed: the identity provider could not be reached.");
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new SignInError(`Sign-in failed: ${body.error_description || body.error || `HTTP ${response.status}`}`);
  }
  const claims = decodeJwtPayload(body.id_token);
  if (claims.nonce !== pending.nonce) {
    throw new SignInError("Sign-in failed: the ID token was not issued for this sign-in.");
  }
  if (!Number.isFinite(claims.exp)) throw new SignInError("Sign-in failed: the ID token has no expiry.");
  const lifetimes = [claims.exp * 1000, Date.now() + Number(body.expires_in) * 1000];
  const expiresAt = Math.min(...lifetimes.filter(Number.isFinite));
  const session = { idToken: body.id_token, expiresAt, user: claims.email || claims["cognito:username"] || "" };
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  return session;
}

/**
 * The stored session, or null. An expired session is removed and reported as
 * `{ expired: true }` so the page can ask the person to sign in again.
 */
export function currentSession() {
  const session = readStored(SESSION_KEY);
  if (!session) return null;
  if (!(Date.now() < session.expiresAt - EXPIRY_MARGIN_MS)) {
    sessionStorage.removeItem(SESSION_KEY);
    return { expired: true };
  }
  return session;
}

/** Forgets the tokens in this tab (the managed login session is untouched). */
export function clearSession() {
  sessionStorage.removeItem(SESSION_KEY);
  sessionStorage.removeItem(PENDING_KEY);
}

/** Forgets the tokens, then ends the managed login session through {authority}/logout. */
export function signOut(config) {
  clearSession();
  const url = new URL(`${config.authority}/logout`);
  url.search = new URLSearchParams({ client_id: config.clientId, logout_uri: redirectUri(config) }).toString();
  window.location.assign(url.href);
}

/**
 * The items app: sign in with Cognito managed login, then list, add, edit and delete
 * items through the API. Loaded as a module from index.html; no inline script or
 * handler, no eval, so it runs under the edge's `script-src 'self'`.
 */

import { ApiError, SessionExpiredError, itemsApi } from "./api.js";
import { beginSignIn, clearSession, completeSignIn, currentSession, isSignInCallback, SignInError, signOut } from "./auth.js";
import { loadConfig } from "./config.js";
import { byId, fillForm, itemEntry, readForm, show } from "./view.js";

const ui = {
  status: byId("status"),
  error: byId("error"),
  signedInAs: byId("signed-in-as"),
  signIn: byId("sign-in"),
  signOut: byId("sign-out"),
  signedOut: byId("signed-out"),
  workspace: byId("workspace"),
  form: byId("item-form"),
  formHeading: byId("form-heading"),
  save: byId("save"),
  cancelEdit: byId("cancel-edit"),
  listHeading: byId("list-heading"),
  list: byId("item-list"),
  empty: byId("empty"),
  refresh: byId("refresh"),
  loadMore: byId("load-more"),
};

const state = { items: [], nextCursor: null, editing: null };
let api;

function say(message) {
  ui.error.textContent = "";
  ui.status.textContent = message;
}

function complain(message) {
  ui.status.textContent = "";
  ui.error.textContent = message;
}

function showSignedOut(message) {
  clearSession();
  show(ui.workspace, false);
  show(ui.signOut, false);
  show(ui.signedInAs, false);
  show(ui.signedOut, true);
  show(ui.signIn, true);
  ui.signIn.disabled = false;
  if (message) {
    complain(message);
    ui.signIn.focus();
  }
}

function showSignedIn(session) {
  ui.signedInAs.textContent = `Signed in as ${session.user}`;
  show(ui.signedOut, false);
  show(ui.signIn, false);
  show(ui.signedInAs, true);
  show(ui.signOut, true);
  show(ui.workspace, true);
}

/** Runs an API call; a refused token signs the person out, other errors are shown. */
async function attempt(what, call) {
  try {
    return { ok: true, value: await call() };
  } catch (error) {
    if (error instanceof SessionExpiredError) {
      showSignedOut(error.message);
    } else if (error instanceof ApiError) {
      complain(`Could not ${what}: ${error.message}`);
    } else {
      throw error;
    }
    return { ok: false, error };
  }
}

function renderList() {
  ui.list.replaceChildren(...state.items.map((item) => itemEntry(item, { onEdit: startEdit, onDelete: remove })));
  show(ui.empty, state.items.length === 0);
  show(ui.loadMore, Boolean(state.nextCursor));
}

async function loadPage({ append }) {
  ui.list.setAttribute("aria-busy", "true");
  const result = await attempt("load the items", () => api.listItems(append ? state.nextCursor : null));
  ui.list.setAttribute("aria-busy", "false");
  if (!result.ok) return false;
  state.items = append ? [...state.items, ...result.value.items] : result.value.items;
  state.nextCursor = result.value.next_cursor;
  renderList();
  return true;
}

function stopEdit() {
  state.editing = null;
  ui.form.reset();
  ui.formHeading.textContent = "Add an item";
  ui.save.textContent = "Add item";
  show(ui.cancelEdit, false);
}

function startEdit(item) {
  state.editing = { id: item.id, version: item.version, name: item.name };
  fillForm(ui.form, item);
  ui.formHeading.textContent = `Edit “${item.name}”`;
  ui.save.textContent = "Save changes";
  show(ui.cancelEdit, true);
  ui.form.elements.name.focus();
}

function replaceItem(item) {
  state.items = state.items.map((each) => (each.id === item.id ? item : each));
  renderList();
}

async function save(event) {
  event.preventDefault();
  const editing = state.editing;
  const fields = readForm(ui.form, { forUpdate: Boolean(editing) });
  ui.save.disabled = true;
  try {
    if (editing) {
      const result = await attempt(`save “${editing.name}”`, () => api.updateItem(editing.id, fields, editing.version));
      if (result.ok) {
        replaceItem(result.value);
        stopEdit();
        say(`Saved “${result.value.name}”.`);
      } else if (result.error.status === 409 || result.error.status === 404) {
        // Someone else changed or deleted it: show the latest list, never overwrite blindly.
        stopEdit();
        if (await loadPage({ append: false })) {
          complain(
            `“${editing.name}” was changed or deleted by someone else since you opened it, so your changes ` +
              `were not saved (${result.error.message}). The list now shows the latest version: edit it again.`,
          );
        }
        ui.listHeading.focus();
      }
    } else {
      const result = await attempt("add the item", () => api.createItem(fields));
      if (result.ok) {
        state.items = [result.value, ...state.items];
        renderList();
        stopEdit();
        say(`Added “${result.value.name}”.`);
        ui.form.elements.name.focus();
      }
    }
  } finally {
    ui.save.disabled = false;
  }
}

async function remove(item, control) {
  control.disabled = true;
  const result = await attempt(`delete “${item.name}”`, () => api.deleteItem(item.id));
  if (!result.ok) {
    control.disabled = false;
    if (result.error.status === 404) await loadPage({ append: false });
    return;
  }
  if (state.editing?.id === item.id) stopEdit();
  state.items = state.items.filter((each) => each.id !== item.id);
  renderList();
  say(`Deleted “${item.name}”.`);
  ui.listHeading.focus();
}

function wire(config) {
  ui.signIn.addEventListener("click", () => {
    ui.signIn.disabled = true;
    say("Taking you to the sign-in page…");
    beginSignIn(config).catch((error) => {
      ui.signIn.disabled = false;
      complain(`Could not start signing in: ${error.message}`);
    });
  });
  ui.signOut.addEventListener("click", () => signOut(config));
  ui.form.addEventListener("submit", save);
  ui.cancelEdit.addEventListener("click", () => {
    stopEdit();
    ui.listHeading.focus();
  });
  ui.refresh.addEventListener("click", async () => {
    if (await loadPage({ append: false })) say(`Showing ${state.items.length} item(s).`);
  });
  ui.loadMore.addEventListener("click", async () => {
    if (await loadPage({ append: true })) say(`Showing ${state.items.length} item(s).`);
  });
}

async function start() {
  const config = await loadConfig();
  const url = new URL(window.location.href);
  let justSignedIn = false;
  if (isSignInCallback(url)) {
    // Take the code and state out of the address bar and history before using them.
    window.history.replaceState(null, "", config.redirectPath);
    try {
      await completeSignIn(config, url);
      justSignedIn = true;
    } catch (error) {
      if (!(error instanceof SignInError)) throw error;
      complain(error.message);
    }
  }
  wire(config);
  const session = currentSession();
  if (!session || session.expired) {
    showSignedOut(session?.expired ? "Your session has expired. Please sign in again." : "");
    return;
  }
  api = itemsApi(config.apiBase, () => currentSession()?.idToken ?? null);
  showSignedIn(session);
  if ((await loadPage({ append: false })) && justSignedIn) {
    say(`Signed in. Showing ${state.items.length} item(s).`);
  }
}

start().catch((error) => {
  complain(`The app could not start: ${error.message}`);
});

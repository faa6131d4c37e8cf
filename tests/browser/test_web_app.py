"""The serverless web app (site/app/) in headless Chromium, as a person uses it, against
the local stand-in of CloudFront, Cognito managed login, API Gateway's Cognito
authorizer and the real items Lambda (tests/browser/local_stack.py).

Each test asserts what the page shows (text of the list, the status and alert regions,
which buttons there are), then that the console holds no CSP violation, no script error
and no failed request but the one the test provoked.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import SCREENSHOT, TEST_USER, WebApp
from tests.browser.local_stack import LocalWebStack

pytestmark = [
    pytest.mark.browser,
    # The handler flushes its metrics after every request; a GET publishes none.
    pytest.mark.filterwarnings("ignore:No application metrics to publish"),
]


def _signed_in(app: WebApp) -> None:
    app.open()
    app.sign_in(TEST_USER.username, TEST_USER.password)


def test_person_signs_in_manages_items_and_signs_out(app: WebApp) -> None:
    app.open()
    assert "Sign in to manage items" in app.page_text()

    app.enter_credentials(TEST_USER.username, "not-the-password")
    app.wait(lambda _: "Incorrect username or password." in app.page_text(), "the provider to refuse")
    app.type_into("User name", TEST_USER.username)
    app.type_into("Password", TEST_USER.password)
    app.click("Sign in")
    app.button("Sign out")
    assert f"Signed in as {TEST_USER.email}" in app.page_text()
    assert "code=" not in app.driver.current_url, "the authorization code must leave the address bar"
    app.wait(lambda _: "No items yet." in app.page_text(), "the empty list")

    # A value the form lets through and the API refuses: the person reads the API's reason.
    app.fill_item(name="Blue mug", description="Holds 350 ml", price="12.5", tags="kitchen, kitchen")
    app.click("Add item")
    app.wait_for_alert("Could not add the item: invalid field 'tags': must contain unique items")
    assert app.item_names() == []

    app.fill_item(tags="kitchen, blue")
    app.click("Add item")
    app.wait_for_status("Added “Blue mug”.")
    app.click("Refresh")
    app.wait_for_status("Showing 1 item(s).")
    assert app.item_names() == ["Blue mug"]
    for shown in ("Price: 12.50", "Holds 350 ml", "kitchen", "blue", "Version 1"):
        assert shown in app.item_text("Blue mug")

    app.item_button("Blue mug", "Edit").click()
    assert "Edit “Blue mug”" in app.page_text()
    assert app.driver.switch_to.active_element == app.field("Name"), "editing moves focus to the first field"
    app.fill_item(name="Green mug", price="14")
    app.click("Save changes")
    app.wait_for_status("Saved “Green mug”.")
    assert app.item_names() == ["Green mug"]
    assert "Price: 14.00" in app.item_text("Green mug")
    assert "Version 2" in app.item_text("Green mug")
    assert "Add an item" in app.page_text()

    app.item_button("Green mug", "Delete").click()
    app.wait_for_status("Deleted “Green mug”.")
    assert app.item_names() == []
    app.click("Refresh")
    app.wait_for_status("Showing 0 item(s).")
    assert "No items yet." in app.page_text()

    app.click("Sign out")
    app.button("Sign in")
    assert "Sign in to manage items" in app.page_text()
    app.driver.refresh()
    app.button("Sign in")
    assert "Signed in as" not in app.page_text(), "the page must have forgotten the token"

    # Signing out ended the provider's session too: signing in asks for the password again.
    app.click("Sign in")
    app.wait(lambda _: app.field("Password").is_displayed(), "the sign-in form")

    app.open()
    app.screenshot(SCREENSHOT)
    assert app.console_problems(allowed_statuses=(400,)) == []  # the refused tags


def test_conflicting_edit_is_not_saved_and_the_list_is_reloaded(app: WebApp, stack: LocalWebStack) -> None:
    status, lamp = stack.call_api("POST", "/items", {"name": "Lamp", "price": 30})
    assert status == 201
    _signed_in(app)
    app.wait_for_item_names(["Lamp"])

    app.item_button("Lamp", "Edit").click()
    # A colleague saves first, from the version this page also read.
    assert stack.call_api("PUT", f"/items/{lamp['id']}", {"name": "Desk lamp", "version": 1})[0] == 200
    app.fill_item(name="Reading lamp")
    app.click("Save changes")

    message = app.wait_for_alert("“Lamp” was changed or deleted by someone else since you opened it")
    assert f"version conflict: item {lamp['id']} is at version 2, the update was based on version 1" in message
    app.wait_for_item_names(["Desk lamp"])
    assert "Version 2" in app.item_text("Desk lamp")
    assert "Add an item" in app.page_text(), "the form leaves edit mode; nothing is overwritten"
    assert app.console_problems(allowed_statuses=(409,)) == []


def test_refused_token_asks_the_person_to_sign_in_again(app: WebApp, stack: LocalWebStack) -> None:
    _signed_in(app)
    app.wait(lambda _: "No items yet." in app.page_text(), "the empty list")

    stack.idp.rotate_signing_key()  # as API Gateway sees an expired or revoked token
    app.click("Refresh")
    app.wait_for_alert("Your session has expired. Please sign in again.")
    assert app.driver.switch_to.active_element == app.button("Sign in")
    assert "Your items" not in app.page_text()

    # The provider's session is still alive, as Cognito's would be: no form this time.
    app.click("Sign in")
    app.button("Sign out")
    app.wait(lambda _: "No items yet." in app.page_text(), "the list again")
    assert app.console_problems(allowed_statuses=(401,)) == []


def test_sign_in_answer_not_started_in_this_tab_is_refused(app: WebApp, stack: LocalWebStack) -> None:
    """Login CSRF: a link carrying someone else's code (and their state) must not sign
    this person in, even while a sign-in of their own is pending."""
    app.open()
    app.click("Sign in")
    app.wait(lambda _: app.field("User name").is_displayed(), "the sign-in form")

    app.driver.get(f"{stack.app_url}?code=someone-elses-code&state=someone-elses-state")
    app.wait_for_alert("Sign-in could not be completed: it was not started from this tab. Please sign in again.")
    app.button("Sign in")
    assert "code=" not in app.driver.current_url
    assert app.console_problems() == []


def test_token_about_to_expire_is_not_used(app: WebApp, stack: LocalWebStack) -> None:
    """The page checks the ID token's expiry itself (with a 30 s margin) before a call."""
    stack.idp.token_lifetime_seconds = 20
    app.open()
    app.enter_credentials(TEST_USER.username, TEST_USER.password)
    app.wait_for_alert("Your session has expired. Please sign in again.")
    app.button("Sign in")
    assert "Your items" not in app.page_text()
    assert app.console_problems() == []


def test_long_list_pages_with_load_more(app: WebApp, stack: LocalWebStack) -> None:
    for number in range(23):
        assert stack.call_api("POST", "/items", {"name": f"Item {number:02d}"})[0] == 201
    _signed_in(app)
    app.wait(lambda _: len(app.item_names()) == 20, "the first page of 20")

    app.click("Load more")
    app.wait_for_status("Showing 23 item(s).")
    assert sorted(app.item_names()) == [f"Item {number:02d}" for number in range(23)]
    assert app.driver.find_elements("xpath", "//button[normalize-space()='Load more']")[0].is_displayed() is False
    assert app.console_problems() == []


def test_console_check_catches_a_csp_violation(app: WebApp) -> None:
    """The edge's CSP is really in force here, and a violation is seen: an inline script
    that something slipped into the page is blocked and reported."""
    app.open()
    app.driver.execute_script(
        "const s = document.createElement('script');s.textContent = 'window.injected = true';document.body.append(s);"
    )
    assert app.driver.execute_script("return window.injected === undefined")
    problems = app.console_problems()
    assert len(problems) == 1
    assert re.search(r"SEVERE security: .*Content Security Policy directive 'script-src 'self''", problems[0])


BAD_CONFIGS = [
    # None: the key is left out.
    ({"authority": None, "scopes": None}, "config.json: missing key(s) authority, scopes"),
    ({"colour": "red"}, "config.json: unknown key(s) colour (allowed: authority, clientId, apiBase, redirectPath"),
    ({"authority": "http://example.com"}, 'config.json: authority ("http://example.com") must be an https URL'),
    ({"authority": "https://a.example?x=1"}, 'config.json: authority ("https://a.example?x=1") must be an https URL'),
    ({"clientId": "a b"}, 'config.json: clientId ("a b") must be an app client id of 1 to 128 letters, digits'),
    ({"apiBase": "/api/"}, 'config.json: apiBase ("/api/") must be a same-origin path such as "/api", with no'),
    ({"apiBase": "https://api.example.com"}, 'config.json: apiBase ("https://api.example.com") must be a same-origin'),
    ({"redirectPath": "//evil.example"}, 'config.json: redirectPath ("//evil.example") must be a path on this site'),
    ({"scopes": ["email"]}, 'config.json: scopes (["email"]) must be a list of unique OAuth scopes that includes'),
    ({"scopes": ["openid", "openid"]}, 'config.json: scopes (["openid","openid"]) must be a list of unique'),
]


def test_config_json_shape_is_checked(app: WebApp, stack: LocalWebStack) -> None:
    """The shape the stack must write: the stand-in's own config passes, and each bad key
    fails with a message that names it, the value and what is allowed."""
    app.open()
    good = stack.config()
    results = app.driver.execute_async_script(
        """
        const [good, cases, done] = arguments;
        import("/config.js").then(({ parseConfig }) => {
          const attempt = (raw) => { try { parseConfig(raw); return "ok"; } catch (e) { return e.message; } };
          const patched = (patch) => {
            const raw = { ...good, ...patch };
            for (const key of Object.keys(patch)) if (patch[key] === null) delete raw[key];
            return raw;
          };
          done([attempt(good), ...cases.map((patch) => attempt(patched(patch)))]);
        });
        """,
        good,
        [patch for patch, _ in BAD_CONFIGS],
    )
    assert results[0] == "ok"
    for (patch, expected), message in zip(BAD_CONFIGS, results[1:], strict=True):
        assert message.startswith(expected), (patch, message)
    assert app.console_problems() == []

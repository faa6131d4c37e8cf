"""The browser test's fixtures: Debian's headless Chromium driven by Selenium, against
the local stand-in of the deployed app (``local_stack.py``).

Run it with ``.venv/bin/python -m pytest -n 0 tests/browser`` (marker ``browser``).
It needs the Debian packages ``chromium`` and ``chromium-driver`` (``/usr/bin/chromium``,
``/usr/bin/chromedriver``): ``make setup`` and ``make test`` install them when either is
missing. Without them the tests FAIL, never skip, so that CI cannot go green without
having run them. Selenium is given both paths, so Selenium Manager (which would download
a browser and a driver) never runs, and no network beyond 127.0.0.1 is used.

Each test works in the one browser of the module, on a stand-in reset for it (an empty
table, no provider session, a fresh signing key) and with the tab's sessionStorage
cleared. The end of the main flow (test_person_signs_in_manages_items_and_signs_out),
or the state of any failing test, is saved as a screenshot in
``.artifacts/serverless-web-app.png`` (git-ignored).

``WebApp`` is what a person does: it finds buttons by their text and fields by their
label, and reads the status and alert regions and the list. Every wait is explicit
(``WebDriverWait``, polled every 50 ms), none is a sleep.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import pytest
from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.local_stack import REPO, LocalWebStack
from tests.browser.stub_idp import StubUser

CHROMIUM: Final = Path("/usr/bin/chromium")
CHROMEDRIVER: Final = Path("/usr/bin/chromedriver")
SCREENSHOT: Final = REPO / ".artifacts" / "serverless-web-app.png"
TEST_USER: Final = StubUser(username="alice", password="Correct-Horse-Battery-9!", email="alice@example.com")

_REPORTS: Final = pytest.StashKey[dict[str, pytest.TestReport]]()

#: The longest any wait may take. Every step takes well under a second; the margin is for a
#: loaded CI machine (a wait ends as soon as its condition holds).
WAIT_SECONDS: Final = 10
_ITEM_LABELS: Final = {"name": "Name", "description": "Description", "price": "Price", "tags": "Tags"}


def _literal(text: str) -> str:
    assert '"' not in text, text
    return f'"{text}"'


class WebApp:
    """What a person does and sees: buttons by their text, fields by their label, the
    status and alert regions, the names in the list. Every wait is explicit."""

    def __init__(self, driver: webdriver.Chrome, stack: LocalWebStack) -> None:
        self.driver = driver
        self.stack = stack

    def wait(self, condition: Any, what: str) -> Any:
        waiting = WebDriverWait(
            self.driver,
            WAIT_SECONDS,
            poll_frequency=0.05,
            ignored_exceptions=(NoSuchElementException, StaleElementReferenceException),
        )
        return waiting.until(condition, f"waited {WAIT_SECONDS}s for {what}; the page said: {self.page_text()!r}")

    def page_text(self) -> str:
        try:
            return str(self.driver.find_element(By.TAG_NAME, "body").text)
        except (NoSuchElementException, StaleElementReferenceException):
            return ""

    def open(self) -> None:
        self.driver.get(self.stack.app_url)
        self.wait(lambda _: self._shown_buttons("Sign in") or self._shown_buttons("Sign out"), "the page to start")

    def _shown_buttons(self, text: str) -> list[WebElement]:
        found = self.driver.find_elements(By.XPATH, f"//button[normalize-space()={_literal(text)}]")
        return [each for each in found if each.is_displayed() and each.is_enabled()]

    def button(self, text: str) -> WebElement:
        return self.wait(lambda _: next(iter(self._shown_buttons(text)), False), f"a button {text!r}")

    def click(self, text: str) -> None:
        self.button(text).click()

    def field(self, label: str) -> WebElement:
        element = self.driver.find_element(By.XPATH, f"//label[normalize-space()={_literal(label)}]")
        return self.driver.find_element(By.ID, element.get_attribute("for"))

    def type_into(self, label: str, text: str) -> None:
        control = self.field(label)
        control.clear()
        control.send_keys(text)

    def fill_item(self, **values: str) -> None:
        for key, text in values.items():
            self.type_into(_ITEM_LABELS[key], text)

    def enter_credentials(self, username: str, password: str) -> None:
        """Clicks Sign in and fills in the provider's form."""
        self.click("Sign in")
        self.wait(lambda _: self.field("User name").is_displayed(), "the sign-in form")
        self.type_into("User name", username)
        self.type_into("Password", password)
        self.click("Sign in")

    def sign_in(self, username: str, password: str) -> None:
        self.enter_credentials(username, password)
        self.wait(lambda _: self._shown_buttons("Sign out"), "the page, signed in")

    def status(self) -> str:
        return str(self.driver.find_element(By.CSS_SELECTOR, "main [role=status]").text)

    def alert(self) -> str:
        return str(self.driver.find_element(By.CSS_SELECTOR, "main [role=alert]").text)

    def wait_for_status(self, text: str) -> None:
        self.wait(lambda _: text in self.status(), f"the status {text!r}")

    def wait_for_alert(self, text: str) -> str:
        self.wait(lambda _: text in self.alert(), f"the alert {text!r}")
        return self.alert()

    def _entries(self) -> list[WebElement]:
        return self.driver.find_elements(By.CSS_SELECTOR, "#item-list > li")

    def item_names(self) -> list[str]:
        return [str(entry.find_element(By.TAG_NAME, "h3").text) for entry in self._entries()]

    def wait_for_item_names(self, names: list[str]) -> None:
        self.wait(lambda _: self.item_names() == names, f"the list to show {names}")

    def item_text(self, name: str) -> str:
        return str(self._entry(name).text)

    def item_button(self, name: str, text: str) -> WebElement:
        return self._entry(name).find_element(By.XPATH, f".//button[normalize-space()={_literal(text)}]")

    def _entry(self, name: str) -> WebElement:
        return self.driver.find_element(By.XPATH, f"//ul[@id='item-list']/li[h3[normalize-space()={_literal(name)}]]")

    def console_problems(self, *, allowed_statuses: tuple[int, ...] = ()) -> list[str]:
        """Console entries since the last call that a person should never cause: any CSP
        violation, any script error, any failed request but one with an allowed status."""
        allowed = tuple(f"status of {status} " for status in allowed_statuses)
        problems = []
        for entry in self.driver.get_log("browser"):
            source, level, message = entry.get("source"), entry.get("level"), entry.get("message", "")
            expected = source == "network" and any(status in message for status in allowed)
            if source == "security" or (level == "SEVERE" and not expected):
                problems.append(f"{level} {source}: {message}")
        return problems

    def screenshot(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.driver.save_screenshot(str(path))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[pytest.TestReport]:
    report: pytest.TestReport = yield
    item.stash.setdefault(_REPORTS, {})[report.when] = report
    return report


def _chromium_paths() -> tuple[Path, Path]:
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not path.is_file()]
    if missing:
        pytest.fail(
            f"Chromium is missing ({', '.join(missing)}): run `make setup`, which installs the Debian "
            "packages chromium and chromium-driver",
            pytrace=False,
        )
    return CHROMIUM, CHROMEDRIVER


@pytest.fixture(scope="module")
def stack() -> Iterator[LocalWebStack]:
    local = LocalWebStack(TEST_USER).start()
    yield local
    local.stop()


@pytest.fixture(scope="module")
def driver() -> Iterator[webdriver.Chrome]:
    chromium, chromedriver = _chromium_paths()
    options = webdriver.ChromeOptions()
    options.binary_location = str(chromium)
    for argument in (
        "--headless=new",
        # Chromium's sandbox cannot start as root in a container; the pages are our own.
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--no-proxy-server",
        "--window-size=1280,1100",
        "--lang=en-US",
    ):
        options.add_argument(argument)
    options.add_experimental_option(
        "prefs",
        {
            "intl.accept_languages": "en-US",
            "credentials_enable_service": False,
            "profile.password_manager_enabled": False,
            "profile.password_manager_leak_detection": False,
        },
    )
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # A driver path given: Selenium Manager (a download) is never run.
    browser = webdriver.Chrome(service=Service(executable_path=str(chromedriver)), options=options)
    yield browser
    browser.quit()


@pytest.fixture
def app(request: pytest.FixtureRequest, stack: LocalWebStack, driver: webdriver.Chrome) -> Iterator[WebApp]:
    """The app as a person uses it, on a reset stand-in and a tab with no stored session."""
    stack.reset()
    driver.get(f"{stack.app_origin}/config.json")
    driver.execute_script("window.sessionStorage.clear()")
    driver.get_log("browser")  # drop what earlier tests left in the console
    web_app = WebApp(driver, stack)
    yield web_app
    call = request.node.stash.get(_REPORTS, {}).get("call")
    if call is not None and call.failed:
        web_app.screenshot(SCREENSHOT)
    assert not stack.errors, f"the stand-in failed while serving: {stack.errors!r}"

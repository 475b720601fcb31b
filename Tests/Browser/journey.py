"""Quire's pages in a real headless Chromium, driven over WebDriver (selenium + Debian's
chromedriver), against a running `quire serve`.

    python3 Tests/Browser/journey.py --base http://127.0.0.1:PORT --screenshots DIR

A reader's journey (sign up, search, shelve, rate and review, follow, see a review on the home
timeline, like it, reply, sign out, sign in), the refusals (a form without its CSRF token; a
private shelf and a followers-only status kept from a stranger), screenshots of the home, book,
profile and shelf pages at 390 and 1280 px, and axe-core on those pages: any serious or critical
violation fails. The last line is `N passed, N failed`; the exit status is non-zero on a failure,
and when Chromium can't start at all.
"""
import argparse
import json
import os
import sys
import time
import traceback
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

AXE_SCRIPT = None
try:
    import axe_selenium_python

    AXE_SCRIPT = os.path.join(os.path.dirname(axe_selenium_python.__file__), "node_modules", "axe-core", "axe.min.js")
except ImportError:
    pass

PASSWORD = "password123"


class Journey:
    def __init__(self, base, screenshots):
        self.base = base.rstrip("/")
        self.screenshots = screenshots
        self.passed = 0
        self.failed = 0
        self.driver = None

    # --- plumbing -------------------------------------------------------------------------------
    def start_browser(self):
        options = webdriver.ChromeOptions()
        options.binary_location = os.environ.get("QUIRE_CHROMIUM", "/usr/bin/chromium")
        for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,900"):
            options.add_argument(arg)
        service = Service(executable_path=os.environ.get("QUIRE_CHROMEDRIVER", "/usr/bin/chromedriver"))
        self.driver = webdriver.Chrome(service=service, options=options)
        self.driver.set_page_load_timeout(30)

    def go(self, path):
        self.driver.get(self.base + path)

    def wait(self, condition, timeout=10):
        return WebDriverWait(self.driver, timeout).until(condition)

    def text(self):
        return self.driver.find_element(By.TAG_NAME, "body").text

    def check(self, name, condition, detail=""):
        if condition:
            self.passed += 1
            print(f"ok   {name}")
        else:
            self.failed += 1
            print(f"FAIL {name} {detail}\n     at {self.driver.current_url}\n     page: {self.text()[:400]!r}")

    def step(self, name, body):
        """Runs one step; an exception fails that step and the journey goes on where it can."""
        try:
            body()
        except Exception:
            self.failed += 1
            print(f"FAIL {name}: exception\n{traceback.format_exc()}")
            try:
                print(f"     at {self.driver.current_url}\n     page: {self.text()[:400]!r}")
            except Exception:
                pass

    def fill(self, field_id, value):
        element = self.driver.find_element(By.ID, field_id)
        element.clear()
        element.send_keys(value)

    def submit_button(self, form_selector):
        self.driver.find_element(By.CSS_SELECTOR, form_selector + " button[type=submit]").click()

    def submit_and_load(self, form_selector):
        """Submits a form and waits for the page it leads to (not the old one, still showing): the
        old page carries a marker the new one lacks. A script run mid-navigation may fail; that
        counts as not loaded yet."""
        self.driver.execute_script("window.quirePage = 'old'")
        self.submit_button(form_selector)

        def loaded(driver):
            try:
                return driver.execute_script("return window.quirePage === undefined && document.readyState === 'complete'")
            except WebDriverException:
                return False
        self.wait(loaded)

    def api(self, method, path, body=None, token=None):
        """The JSON API, for the other reader's part (setting the scene the page reader meets)."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", "Bearer " + token)
        with urllib.request.urlopen(request, timeout=15) as response:
            raw = response.read()
            return json.loads(raw) if raw else {}

    def api_user(self, username):
        self.api("POST", "/v1/accounts", {"username": username, "email": f"{username}@example.org", "password": PASSWORD})
        return self.api("POST", "/v1/sessions", {"username": username, "password": PASSWORD})["token"]

    def sign_up(self, username):
        self.go("/signup")
        self.fill("username", username)
        self.fill("email", f"{username}@example.org")
        self.fill("password", PASSWORD)
        self.submit_button("main form[action='/signup']")
        self.wait(EC.presence_of_element_located((By.ID, "timeline-head")))

    def sign_out(self):
        self.driver.find_element(By.CSS_SELECTOR, "form[action='/signout'] button").click()
        self.wait(EC.presence_of_element_located((By.ID, "welcome-head")))

    # --- the scene ------------------------------------------------------------------------------
    def set_scene(self):
        """bob, another reader, with a book in the catalog, a private shelf and a followers-only note."""
        self.bob = self.api_user("bob")
        edition = self.api("POST", "/v1/editions", {"title": "The Dispossessed", "authors": ["Ursula K. Le Guin"],
                                                     "isbn_13": "9780061054884", "pages": 387}, self.bob)
        self.edition_id = edition["id"]
        shelf = self.api("POST", "/v1/shelves", {"name": "Guilty Pleasures", "privacy": "private"}, self.bob)
        self.api("PUT", f"/v1/shelves/{shelf['id']}/books/{self.edition_id}", None, self.bob)
        self.secret = self.api("POST", "/v1/statuses", {"type": "note", "body": "only my followers read this", "privacy": "followers"}, self.bob)
        shelves = self.api("GET", "/v1/users/bob/shelves", None, self.bob)["items"]
        read = next(s for s in shelves if s["identifier"] == "read")
        self.api("PUT", f"/v1/shelves/{read['id']}/books/{self.edition_id}", None, self.bob)

    # --- the journey ----------------------------------------------------------------------------
    def journey(self):
        d = self.driver

        def signed_out_front_page():
            self.go("/")
            self.check("signed out, the front page says what Quire is", "social reading server" in self.text())

        def sign_up():
            self.sign_up("ada")
            self.check("sign up lands on the home timeline", "Your timeline" in self.text())

        def search():
            self.fill("site-q", "dispossessed")
            self.submit_button("form.search")
            self.wait(EC.presence_of_element_located((By.ID, "results-head")))
            self.check("search finds the book", "The Dispossessed" in self.text())
            d.find_element(By.LINK_TEXT, "The Dispossessed").click()
            self.wait(EC.presence_of_element_located((By.ID, "book-title")))
            self.check("the book page shows title, author and ISBN",
                       all(t in self.text() for t in ("The Dispossessed", "Ursula K. Le Guin", "9780061054884", "387")))

        def shelve():
            Select(d.find_element(By.ID, "shelf")).select_by_visible_text("Currently Reading")
            self.submit_and_load("section.shelve form[action$='/shelve']")
            self.check("the book page says which shelf holds it", "On your shelf Currently Reading" in self.text())
            self.go("/user/ada/shelf/reading")
            self.check("shelving puts the book on the shelf", "The Dispossessed" in self.text())

        def review():
            self.go(f"/book/{self.edition_id}")
            Select(d.find_element(By.ID, "review-rating")).select_by_value("4.5")
            self.fill("review-title", "An ambiguous utopia")
            self.fill("review-body", "Shevek's walls stayed with me.")
            self.submit_button("form:has(input[name=type][value=review])")
            self.wait(EC.presence_of_element_located((By.ID, "reply-head")))
            self.check("the review is posted with its rating", "An ambiguous utopia" in self.text() and "★★★★½" in self.text())

        def follow():
            self.go("/user/bob")
            self.check("a stranger's profile hides their private shelf", "Guilty Pleasures" not in self.text())
            d.find_element(By.CSS_SELECTOR, "form[action='/user/bob/follow'] button").click()
            self.wait(EC.presence_of_element_located((By.CSS_SELECTOR, "form[action='/user/bob/unfollow']")))
            self.check("following shows Unfollow", "Unfollow" in self.text())
            self.check("a follower sees the followers-only note", "only my followers read this" in self.text())

        def home_shows_their_review():
            self.bob_review = self.api("POST", "/v1/statuses", {"type": "review", "edition_id": self.edition_id, "rating": 5,
                                                                "body": "Bob thinks it is the best Hainish novel."}, self.bob)
            self.go("/")
            self.check("the followed reader's review is on the home timeline", "Bob thinks it is the best Hainish novel." in self.text())

        def like():
            selector = f"form[action='/status/{self.bob_review['id']}/like'] button"
            d.execute_script("window.quireMarker = 'still here'")
            d.find_element(By.CSS_SELECTOR, selector).click()
            # With JavaScript the button changes in place, without a reload (the marker survives).
            self.wait(lambda drv: drv.find_element(By.CSS_SELECTOR, f"form[action$='/status/{self.bob_review['id']}/unlike'] button"))
            self.check("liking happens in place, without reloading the page",
                       d.execute_script("return window.quireMarker") == "still here")
            self.go("/")
            button = d.find_element(By.CSS_SELECTOR, f"form[action='/status/{self.bob_review['id']}/unlike'] button")
            self.check("liking sticks across a reload", button.get_attribute("aria-pressed") == "true" and "1" in button.text)
            status = self.api("GET", f"/v1/statuses/{self.bob_review['id']}", None, self.bob)
            self.check("the like is counted", status["likes_count"] == 1)

        def reply():
            d.find_element(By.CSS_SELECTOR, f"a[href='/status/{self.bob_review['id']}#reply']").click()
            self.wait(EC.presence_of_element_located((By.ID, "reply-body")))
            d.find_element(By.ID, "reply-body").send_keys("Agreed, and the ending too.")
            self.submit_and_load("#reply form")
            self.check("the reply shows in the thread", "Agreed, and the ending too." in self.text()
                       and "Bob thinks it is the best Hainish novel." in self.text())

        def csrf_refused():
            self.go("/")
            # A forged form: the note form without its CSRF token, posted as a browser would.
            d.execute_script("document.querySelector(\"form[action='/status'] input[name=csrf]\").remove()")
            d.find_element(By.ID, "note-body").send_keys("forged note")
            self.submit_button("form[action='/status']")
            self.wait(EC.presence_of_element_located((By.CSS_SELECTOR, "p.message")))
            self.check("a form without its CSRF token is refused with a message",
                       "did not come from Quire" in self.text() and "Forbidden" in d.title)
            self.go("/")
            self.check("the forged note was not posted", "forged note" not in self.text())

        def screenshots_and_axe():
            self.go("/")
            pages = {"home": "/", "book": f"/book/{self.edition_id}", "profile": "/user/ada", "shelf": "/user/ada/shelf/reading"}
            self.capture(pages)

        def import_library():
            fixture = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Fixtures", "goodreads.csv")
            self.go("/import")
            d.find_element(By.ID, "import-file").send_keys(os.path.abspath(fixture))
            self.submit_button("form[action='/import']")
            self.wait(EC.presence_of_element_located((By.ID, "import-bar")))
            self.check("the import page shows a progress bar", d.find_element(By.ID, "import-bar").is_displayed())
            # The script follows the import's events and reloads the page when it ends.
            self.wait(lambda drv: drv.find_element(By.ID, "import-state").text in ("finished", "failed"), timeout=90)
            self.wait(EC.presence_of_element_located((By.CSS_SELECTOR, "table.report tbody tr")))
            bar = d.find_element(By.ID, "import-bar")
            self.check("the import finishes with its bar full", d.find_element(By.ID, "import-state").text == "finished"
                       and bar.get_attribute("value") == bar.get_attribute("max") and int(bar.get_attribute("max")) > 0,
                       f"(value {bar.get_attribute('value')} of {bar.get_attribute('max')})")
            rows = d.find_elements(By.CSS_SELECTOR, "table.report tbody tr")
            self.check("the import's report lists its rows", len(rows) > 0, f"({len(rows)} rows)")
            self.check("the report names the imported books", "Gideon the Ninth" in self.text())
            self.capture({"import": d.current_url.replace(self.base, "")})

        def export_library():
            self.go("/export")
            Select(d.find_element(By.ID, "export-format")).select_by_value("goodreads")
            self.submit_button("form[action='/export']")
            # The script follows the export's events and reloads the page when it is ready.
            self.wait(EC.presence_of_element_located((By.LINK_TEXT, "Download")), timeout=90)
            href = d.find_element(By.LINK_TEXT, "Download").get_attribute("href")
            first_line = d.execute_async_script(
                "const done = arguments[arguments.length - 1];"
                "fetch(arguments[0]).then(r => r.text()).then(t => done(t.split('\\n')[0])).catch(e => done(String(e)));", href)
            self.check("the export's file downloads", first_line.startswith("Book Id,Title"), f"({first_line[:80]!r})")
            self.capture({"export": "/export"})

        def sign_out_and_in():
            self.go("/")
            self.sign_out()
            self.check("signing out shows the front page", "Sign up" in self.text())
            self.go("/signin")
            self.fill("username", "ada")
            self.fill("password", PASSWORD)
            self.submit_button("main form[action='/signin']")
            self.wait(EC.presence_of_element_located((By.ID, "timeline-head")))
            self.check("signing in again shows the timeline", "Bob thinks it is the best Hainish novel." in self.text())
            self.sign_out()

        def stranger():
            # Signed out: bob's private shelf and followers-only note are not shown.
            self.go("/user/bob")
            self.check("a stranger doesn't see the followers-only status", "only my followers read this" not in self.text())
            self.check("a stranger doesn't see the private shelf", "Guilty Pleasures" not in self.text())
            self.go(f"/status/{self.secret['id']}")
            self.check("a followers-only status's page is not found for a stranger", "Not Found" in d.title)
            self.go("/user/bob/shelf/guilty-pleasures")
            self.check("a private shelf's page is not found for a stranger", "Not Found" in d.title)
            self.capture({"welcome": "/", "stranger-profile": "/user/bob"})

        for name, body in [("front page", signed_out_front_page), ("sign up", sign_up), ("search", search), ("shelve", shelve),
                           ("review", review), ("follow", follow), ("home timeline", home_shows_their_review), ("like", like),
                           ("reply", reply), ("csrf", csrf_refused), ("screenshots", screenshots_and_axe), ("import", import_library), ("export", export_library),
                           ("sign out and in", sign_out_and_in), ("stranger", stranger)]:
            self.step(name, body)

    # --- screenshots and accessibility ----------------------------------------------------------
    def capture(self, pages):
        os.makedirs(self.screenshots, exist_ok=True)
        for width in (390, 1280):
            self.driver.set_window_size(width, 900)
            for name, path in pages.items():
                self.go(path)
                height = self.driver.execute_script("return document.documentElement.scrollHeight")
                self.driver.set_window_size(width, min(max(height, 600), 4000))
                file = os.path.join(self.screenshots, f"{name}-{width}.png")
                self.driver.save_screenshot(file)
                scroll_width = self.driver.execute_script("return document.documentElement.scrollWidth")
                self.check(f"{name} at {width} px has no sideways scrolling", scroll_width <= width, f"(scrollWidth {scroll_width})")
                self.driver.set_window_size(width, 900)
                self.axe(f"{name} at {width} px")
        # Dark mode, as a reader whose system prefers it sees the pages.
        self.driver.set_window_size(1280, 900)
        self.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
        for name, path in pages.items():
            self.go(path)
            self.driver.save_screenshot(os.path.join(self.screenshots, f"{name}-1280-dark.png"))
            self.axe(f"{name} in dark mode")
        self.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})

    def axe(self, name):
        if AXE_SCRIPT is None or not os.path.exists(AXE_SCRIPT):
            self.check(f"axe-core is available for {name}", False, "(pip install axe-selenium-python)")
            return
        with open(AXE_SCRIPT, encoding="utf8") as f:
            self.driver.execute_script(f.read())
        self.driver.set_script_timeout(30)
        results = self.driver.execute_async_script("var done = arguments[arguments.length - 1]; axe.run().then(done);")
        bad = [v for v in results["violations"] if v.get("impact") in ("serious", "critical")]
        detail = "; ".join(f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}" for v in bad)
        self.check(f"axe: no serious or critical violation on {name}", not bad, detail)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--screenshots", required=True)
    args = parser.parse_args()
    journey = Journey(args.base, args.screenshots)
    try:
        journey.start_browser()
    except WebDriverException as error:
        print(f"browser-test: Chromium did not start: {error}", file=sys.stderr)
        print("0 passed, 1 failed")
        return 1
    try:
        journey.set_scene()
        journey.journey()
    except Exception:
        journey.failed += 1
        traceback.print_exc()
    finally:
        journey.driver.quit()
    print(f"{journey.passed} passed, {journey.failed} failed")
    return 1 if journey.failed else 0


if __name__ == "__main__":
    sys.exit(main())

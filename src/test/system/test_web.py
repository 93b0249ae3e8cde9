"""The web admin in a real browser: Debian's headless Chromium driven by chromedriver through Selenium.

Every wait is on the very element the next assertion reads; a screenshot of each page goes to the test's home
(kept when the test fails). Assertions are on the DOM, never on pixels.
"""
import os
import smtplib

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

import peers
from quailtest import QuailTestCase, free_port, quail, wait_until

WAIT = 30


def chromium():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    # --no-sandbox: CI runs the tests as root, where Chromium's sandbox refuses to start.
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                 "--window-size=1280,1024", "--no-first-run", "--disable-extensions"):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


class WebAdmin(QuailTestCase):
    """A relay whose only route (control/smtproutes) points at a port nobody listens on until the test starts a
    sink there: remote mail waits in the queue, deferred, as it would for a downed destination."""

    start_server = False

    def setUp(self):
        super().setUp()
        self.http_port = free_port()
        self.sink_port = free_port()
        quail("admin", "add", "--home", self.home, "root", input=b"s3cret\n")
        for name, value in {"smtproutes": ":127.0.0.1:%d" % self.sink_port, "relayclients": "127.0.0.1"}.items():
            with open(os.path.join(self.home, "control", name), "w") as f:
                f.write(value + "\n")
        self.server.extra = ["--http", "127.0.0.1:%d" % self.http_port]
        self.server.start()
        self.wait_log("http admin listening on")
        self.shots = os.path.join(self.home, "screenshots")
        os.makedirs(self.shots)
        self.browser = chromium()
        self.addCleanup(self.browser.quit)

    def open(self, path):
        self.browser.get("http://127.0.0.1:%d%s" % (self.http_port, path))

    def shoot(self, name):
        self.assertTrue(self.browser.save_screenshot(os.path.join(self.shots, name + ".png")))

    def element(self, css, text=None):
        """The element css selects, once there (and holding text, when given). An element of the page being left
        goes stale as it is read: the wait then looks again, in the page that replaces it."""
        def found(browser):
            for e in browser.find_elements(By.CSS_SELECTOR, css):
                if text is None or text in e.text:
                    return e
            return False
        return WebDriverWait(self.browser, WAIT, ignored_exceptions=(StaleElementReferenceException,)).until(
            found, "no %s%s" % (css, " with " + text if text else ""))

    def shows(self, css, text):
        """Waits for the element css selects to hold text (the page an action leads to), then wants it exactly."""
        self.assertEqual(self.element(css, text).text, text)

    def count(self, css, at_least):
        return WebDriverWait(self.browser, WAIT).until(
            lambda b: len(b.find_elements(By.CSS_SELECTOR, css)) >= at_least and len(
                b.find_elements(By.CSS_SELECTOR, css)), "fewer than %d %s" % (at_least, css))

    def click(self, label, scope="main"):
        self.element("%s button" % scope, label).click()

    def sign_in(self):
        self.open("/queue")
        self.element("#signin")
        self.shoot("signin")
        self.browser.find_element(By.ID, "name").send_keys("root")
        self.browser.find_element(By.ID, "password").send_keys("wrong")
        self.element("#signin").click()
        self.assertIn("wrong name or password", self.element("#failed").text)
        self.browser.find_element(By.ID, "name").send_keys("root")
        self.browser.find_element(By.ID, "password").send_keys("s3cret")
        self.element("#signin").click()
        self.element("h1", "Dashboard")
        self.shoot("dashboard")

    def test_sign_in_follow_a_deferred_message_to_its_delivery_add_a_mailbox_with_a_forward(self):
        self.sign_in()
        with smtplib.SMTP("127.0.0.1", self.server.port) as s:
            s.sendmail("alice@example.org", ["dave@remote.test"], b"Subject: <b>web</b>\r\n\r\nbody\r\n")
        self.wait_log("deferral:")

        self.open("/queue?destination=remote.test")
        row = self.element("#messages tr[id^=message-]")
        self.assertEqual(row.find_element(By.CSS_SELECTOR, ".state").text, "deferred")
        self.assertIn("dave@remote.test", row.text)
        self.shows("#total", "1 messages match.")
        self.shoot("queue")

        self.suspends_and_resumes_the_site_from_the_dashboard()
        self.open("/queue?destination=remote.test")
        self.element("#messages tr[id^=message-] a").click()
        message = self.element("h1", "Message").text.split()[-1]
        self.shows("#sender", "alice@example.org")
        self.element("#trace-state", "(live)")
        attempts = self.count("#trace li.event-deferred", 1)
        self.browser.execute_script("window.notReloaded = true")
        quail("flush", "--home", self.home, message)
        self.count("#trace li.event-deferred", attempts + 1)
        self.assertTrue(self.browser.execute_script("return window.notReloaded === true"), "appended live")
        self.shoot("message")

        self.click("hold")
        self.shows("#done", "held " + message)
        self.shows("#state", "held")
        self.click("release")
        self.shows("#done", "released " + message)
        self.shows("#state", "deferred")

        sink = peers.FileSink("127.0.0.1", self.sink_port, self.home)
        self.addCleanup(sink.close)
        self.element("#trace-state", "(live)")
        trace = self.browser.current_window_handle
        self.browser.switch_to.new_window("tab")
        self.open("/queue?recipient=dave")
        self.click("flush all these")
        self.shows("#done", "flushed 1 messages")
        self.browser.switch_to.window(trace)
        self.assertIn("dave@remote.test", self.element("#trace li.event-delivered").text)
        self.element("#trace-state", "(ended)")
        self.shoot("message-delivered")
        self.open("/")
        self.shows("#total-delivered", "1")
        self.shows("#messages", "0")
        self.assertEqual(len(sink.messages), 1)
        self.assertEqual(sink.messages[0][1], ["dave@remote.test"])
        self.open("/queue")
        self.shows("#total", "0 messages match.")

        self.open("/mailboxes")
        self.element("#new-address").send_keys("carol@localhost")
        self.element("#new-password").send_keys("pw1")
        self.click("Add mailbox")
        self.shows("#done", "added carol@localhost")
        carol = self.element('#mailboxes tr[data-address="carol@localhost"]')
        forward = carol.find_element(By.NAME, "to")
        forward.send_keys("postmaster@localhost")
        carol.find_element(By.XPATH, ".//button[text()='Set forwards']").click()
        self.shows("#done", "forwards set for carol@localhost")
        self.assertEqual(self.element('tr[data-address="carol@localhost"] .forwards').text, "postmaster@localhost")
        carol = self.element('#mailboxes tr[data-address="carol@localhost"]')
        carol.find_element(By.NAME, "text").send_keys("Back on Monday.")
        carol.find_element(By.XPATH, ".//button[text()='Set autoresponder']").click()
        self.shows("#done", "autoresponder on for carol@localhost")
        self.shows('tr[data-address="carol@localhost"] .autoresponder .state', "on")
        self.assertEqual(self.element('tr[data-address="carol@localhost"] textarea[name=text]').get_attribute("value"),
                         "Back on Monday.\n")
        self.shoot("mailboxes")
        self.element('tr[data-address="carol@localhost"] .autoresponder button', "Turn off").click()
        self.shows("#done", "autoresponder off for carol@localhost")
        self.shows('tr[data-address="carol@localhost"] .autoresponder .state', "off")
        with smtplib.SMTP("127.0.0.1", self.server.port) as s:
            s.sendmail("alice@example.org", ["carol@localhost"], b"Subject: forwarded\r\n\r\nbody\r\n")
        self.assertIn(b"Subject: forwarded", self.wait_messages(1)[0])
        self.element('#mailboxes tr[data-address="carol@localhost"] button', "Remove").click()
        self.shows("#done", "removed carol@localhost")
        self.assertEqual(self.browser.find_elements(By.CSS_SELECTOR, 'tr[data-address="carol@localhost"]'), [])

        self.prints_text_and_refuses_a_form_without_its_token()

    def test_create_a_list_subscribe_through_the_form_and_see_the_members(self):
        self.sign_in()
        self.element("header a", "Lists").click()
        self.element("#new-list").send_keys("news@localhost")
        self.element("#new-owner").send_keys("boss@localhost")
        self.click("Create list")
        self.shows("#done", "created news@localhost")
        self.element('#lists tr[data-list="news@localhost"] a').click()
        self.shows("#owner", "boss@localhost")
        self.shows("#member-total", "0 members")
        self.element("#subscribe-address").send_keys("ann@example.org, bob@example.org")
        self.click("Subscribe")
        self.shows("#done", "news@localhost: 2 subscribed, 0 unchanged")
        self.shows("#member-count", "2")
        self.assertEqual(sorted(e.get_attribute("data-member") for e in
                                self.browser.find_elements(By.CSS_SELECTOR, "#members tr[data-member]")),
                         ["ann@example.org", "bob@example.org"])
        self.element("#no-bounces")
        self.shoot("list")
        self.element('#members tr[data-member="bob@example.org"] button', "Unsubscribe").click()
        self.shows("#done", "news@localhost: 1 unsubscribed, 0 unchanged")
        self.assertEqual(quail("list", "members", "--home", self.home, "news@localhost").stdout, b"ann@example.org\n")
        self.element("#subscribe-address").send_keys("not an address")
        self.click("Subscribe")
        self.assertIn("not an address: not", self.element("#failed").text)
        self.open("/lists")
        self.shows('#lists tr[data-list="news@localhost"] .members', "1")
        self.shoot("lists")

    def suspends_and_resumes_the_site_from_the_dashboard(self):
        self.open("/")
        self.element("#suspend-site").send_keys("remote.test")
        self.element("#suspend-reason").send_keys("<i>maintenance</i>")
        self.click("Suspend")
        alert = self.element("#alerts .alert", "site remote.test is suspended until")
        self.assertTrue(alert.text.endswith(": <i>maintenance</i>"), alert.text)
        self.shoot("dashboard-suspended")
        self.element('#sites tr[data-site="remote.test"] button', "Resume").click()
        self.assertTrue(self.element("#done", "resumed remote.test").text.startswith("resumed remote.test;"))
        self.element("#no-alerts")

    def prints_text_and_refuses_a_form_without_its_token(self):
        self.open("/queue?done=%3Cb%20id%3Dinjected%3Ebold%3C%2Fb%3E")
        self.shows("#done", "<b id=injected>bold</b>")
        self.assertEqual(self.browser.find_elements(By.ID, "injected"), [])
        self.open("/mailboxes")
        self.browser.execute_script("document.querySelector('#add input[name=csrf]').remove()")
        self.element("#new-address").send_keys("mallory@localhost")
        self.click("Add mailbox")
        self.element("body", "CSRF")
        self.open("/mailboxes")
        self.assertNotIn("mallory@localhost", self.element("#mailboxes").text)

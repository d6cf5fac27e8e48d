"""The web UI in a real browser (issue 10): headless Chromium from Debian,
driven by Debian's chromium-driver and python3-selenium, with JavaScript
turned off, loads the status page from a live refd; actions are taken by
clicking, and their effect is checked over XML-RPC.

The test fails (it does not skip) when a tool is missing: ci/deps installs
them. REFD_SCREENSHOT=<file.png> saves the status page as seen.
"""
import os
import shutil
import tempfile
import unittest

from ctltest import CONF, quiet, running
from refdtest import Daemon, SLOW, wait_for

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


def need_tools():
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not os.access(p, os.X_OK)]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("python3-selenium")
    if missing:
        raise AssertionError("the browser test needs %s (ci/deps installs them)" % ", ".join(missing))


class Browser(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        quiet()
        need_tools()
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
        cls.daemon = Daemon(conf=CONF)
        cls.daemon.start()
        wait_for(lambda: running(cls.daemon, "cat", "echoer", "grp:alpha"), what="autostart")
        cls.profile = tempfile.mkdtemp(prefix="refd-chromium-")
        opts = webdriver.ChromeOptions()
        opts.binary_location = CHROMIUM
        for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                     "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                     "--window-size=1100,720", "--user-data-dir=" + cls.profile):
            opts.add_argument(flag)
        # The page must work without JavaScript, as supervisord's does.
        opts.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
        try:
            cls.driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
        except BaseException:
            cls.daemon.__exit__(None, None, None)
            shutil.rmtree(cls.profile, ignore_errors=True)
            raise
        cls.driver.set_page_load_timeout(60 * SLOW)
        cls.base = "http://127.0.0.1:%d/" % cls.daemon.port

    @classmethod
    def tearDownClass(cls):
        cls.driver.quit()
        shutil.rmtree(cls.profile, ignore_errors=True)
        cls.daemon.__exit__(None, None, None)

    def row_of(self, name):
        from selenium.webdriver.common.by import By
        for tr in self.driver.find_elements(By.CSS_SELECTOR, "table tbody tr"):
            if tr.find_elements(By.LINK_TEXT, name):
                return tr
        raise AssertionError("no row for %s" % name)

    def state(self, name):
        return self.daemon.rpc().supervisor.getProcessInfo(name)["statename"]

    def test_status_page_and_actions(self):
        from selenium.webdriver.common.by import By
        d = self.driver
        d.get(self.base)
        self.assertEqual(d.title, "Supervisor Status")
        # No external assets, and the page's own did load.
        img = d.find_element(By.CSS_SELECTOR, "#banner img")
        self.assertGreater(int(img.get_property("naturalWidth")), 0)
        button = d.find_element(By.LINK_TEXT, "Refresh")
        self.assertNotEqual(button.value_of_css_property("background-color"), "rgba(0, 0, 0, 0)")
        self.assertEqual(self.row_of("sleeper").find_element(By.CSS_SELECTOR, "td.status span").text,
                         "stopped")
        shot = os.environ.get("REFD_SCREENSHOT")

        # Start a process by clicking its Start link.
        self.assertEqual(self.state("sleeper"), "STOPPED")
        self.row_of("sleeper").find_element(By.LINK_TEXT, "Start").click()
        wait_for(lambda: "message=" in d.current_url, timeout=30, what="the redirect")
        self.assertEqual(d.current_url, self.base + "?message=Process%20sleeper%20started")
        self.assertEqual(d.find_element(By.CSS_SELECTOR, ".status_msg").text, "Process sleeper started")
        self.assertEqual(self.state("sleeper"), "RUNNING")
        row = self.row_of("sleeper")
        self.assertEqual(row.find_element(By.CSS_SELECTOR, "td.status span").get_attribute("class"),
                         "statusrunning")
        if shot:
            d.save_screenshot(shot)

        # Stop it again through its Stop link.
        row.find_element(By.LINK_TEXT, "Stop").click()
        wait_for(lambda: "stopped" in d.current_url, timeout=30, what="the redirect")
        self.assertEqual(self.state("sleeper"), "STOPPED")

        # The tail page, opened from the name link's URL.
        d.get(self.row_of("echoer").find_element(By.LINK_TEXT, "echoer").get_attribute("href"))
        self.assertEqual(d.title, "Supervisor tail of process echoer")
        self.assertIn("out-line", d.find_element(By.TAG_NAME, "pre").text)

        # Stop All from the button bar.
        d.get(self.base)
        d.find_element(By.LINK_TEXT, "Stop All").click()
        wait_for(lambda: "All%20stopped%20at" in d.current_url, timeout=60, what="stop all")
        states = {i["name"]: i["statename"] for i in self.daemon.rpc().supervisor.getAllProcessInfo()}
        self.assertEqual(states["cat"], "STOPPED")
        self.assertEqual(states["alpha"], "STOPPED")
        self.assertIn("All stopped at", d.find_element(By.CSS_SELECTOR, ".status_msg").text)


if __name__ == "__main__":
    unittest.main()

"""Headless Chromium driven through chromedriver's W3C WebDriver HTTP API, with urllib
only (no selenium). Debian packages: chromium, chromium-driver.

    with Browser() as b:                     # starts chromedriver on a free 127.0.0.1 port
        b.open(url)
        box = b.find("textarea[name=comment]")
        b.type(box, "Nopea palvelu")
        b.click(b.find("button[type=submit]"))
        b.wait_text("h1", "Kiitos")
        b.screenshot("/path/landing.png")

chromedriver is started by this module, polled on /status until ready, and stopped by
its PID (it ends the Chromium it started when its session is deleted). Chromium gets a
fresh profile in a temporary directory, a phone-sized window (390x844), and flags that
keep it on loopback: no background networking, no component updates, and every host
name but 127.0.0.1 unresolvable.
"""
import base64
import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

from .common import LOOPBACK, PeerError, free_port, stop_process, tail, wait_until

ELEMENT = "element-6066-11e4-a52e-4f735466cecf"  # the W3C element reference key


def find_binary(*names):
    for name in names:
        path = shutil.which(name) or (f"/usr/bin/{name}" if os.access(f"/usr/bin/{name}", os.X_OK) else None)
        if path:
            return path
    return None


class Browser:
    def __init__(self, width=390, height=844, mobile=True):
        self.width, self.height, self.mobile = width, height, mobile
        self.driver = find_binary("chromedriver")
        self.chromium = find_binary("chromium", "chromium-browser")
        if not self.driver or not self.chromium:
            raise PeerError("chromium and chromedriver not found: apt-get install chromium chromium-driver")
        self.proc = None
        self.session = None
        self.tmp = tempfile.mkdtemp(prefix="cxgate-chromium-")

    # --- lifecycle
    def start(self, timeout=30.0):
        self.port = free_port()
        self.log_path = os.path.join(self.tmp, "chromedriver.log")
        env = dict(os.environ, HOME=self.tmp)
        self.proc = subprocess.Popen(
            [self.driver, f"--port={self.port}", "--allowed-ips=127.0.0.1", f"--log-path={self.log_path}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, env=env)
        try:
            wait_until(lambda: self.proc.poll() is not None or self._ready(), "chromedriver /status", timeout)
        except PeerError:
            self.stop()
            raise
        if self.proc.poll() is not None:
            raise PeerError(f"chromedriver exited {self.proc.returncode}: {tail(self.log_path)}")
        args = [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            f"--window-size={self.width},{self.height}", f"--user-data-dir={os.path.join(self.tmp, 'profile')}",
            "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-default-apps", "--disable-extensions",
            "--no-proxy-server", "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
        ]
        caps = {"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            # Desktop Chromium keeps windows at least 500 px wide; device metrics give the
            # page a real phone viewport (CSS pixels) and a mobile user agent's layout.
            "goog:chromeOptions": {"binary": self.chromium, "args": args, **({"mobileEmulation": {
                "deviceMetrics": {"width": self.width, "height": self.height, "pixelRatio": 2,
                                  "touch": True, "mobile": True}}} if self.mobile else {})},
        }}}
        value = self._call("POST", "/session", caps, timeout=60)
        self.session = value["sessionId"]
        return self

    def stop(self):
        if self.session:
            try:
                self._call("DELETE", f"/session/{self.session}", timeout=20)
            except (PeerError, OSError):
                pass
            self.session = None
        if self.proc:
            stop_process(self.proc)
            self.proc = None
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # --- WebDriver commands
    def open(self, url):
        self._session("POST", "/url", {"url": url})

    def find(self, css):
        return self._session("POST", "/element", {"using": "css selector", "value": css})[ELEMENT]

    def find_all(self, css):
        return [e[ELEMENT] for e in self._session("POST", "/elements", {"using": "css selector", "value": css})]

    def type(self, element, text):
        self._session("POST", f"/element/{element}/value", {"text": text})

    def click(self, element):
        self._session("POST", f"/element/{element}/click", {})

    def selected(self, element):
        return self._session("GET", f"/element/{element}/selected")

    def property(self, element, name):
        return self._session("GET", f"/element/{element}/property/{name}")

    def text(self, element):
        return self._session("GET", f"/element/{element}/text")

    def source(self):
        return self._session("GET", "/source")

    def current_url(self):
        return self._session("GET", "/url")

    def cookies(self):
        """{name: value} of the page's cookies, HttpOnly ones included (WebDriver sees them)."""
        return {c["name"]: c["value"] for c in self._session("GET", "/cookie")}

    def full_height_screenshot(self, path):
        """The whole page: the window grown to the document's height first (desktop only)."""
        height = self._session("POST", "/execute/sync", {
            "script": "return document.documentElement.scrollHeight", "args": []})
        self._session("POST", "/window/rect", {"width": self.width, "height": min(int(height) + 120, 4000)})
        return self.screenshot(path)

    def wait_text(self, css, contains, timeout=10.0):
        def found():
            try:
                return contains in self.text(self.find(css))
            except PeerError:
                return False
        return wait_until(found, f"{css} containing {contains!r}", timeout)

    def screenshot(self, path):
        png = base64.b64decode(self._session("GET", "/screenshot"))
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        with open(path, "wb") as f:
            f.write(png)
        return path

    # --- plumbing
    def _ready(self):
        try:
            with urllib.request.urlopen(f"http://{LOOPBACK}:{self.port}/status", timeout=1) as res:
                return json.load(res)["value"].get("ready", False)
        except (OSError, ValueError, KeyError):
            return False

    def _session(self, method, path, body=None):
        return self._call(method, f"/session/{self.session}{path}", body)

    def _call(self, method, path, body=None, timeout=30):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(f"http://{LOOPBACK}:{self.port}{path}", data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            with opener.open(req, timeout=timeout) as res:
                return json.load(res).get("value")
        except urllib.error.HTTPError as e:
            try:
                err = json.load(e)["value"]
                message = f"{err.get('error')}: {err.get('message', '')[:300]}"
            except ValueError:
                message = str(e)
            raise PeerError(f"WebDriver {method} {path}: {e.code} {message}") from None

# SPDX-License-Identifier: MIT
"""The workbench page in headless Chromium against a real `tiersim serve`: pick s0-fragmented,
change levers (a validation error first), run 3 + 3 replications, read the cards and charts, open
"where it hurts", switch the language, save the redesign. Screenshots go to TIERSIM_ARTIFACTS
(default: `artifacts` beside the workspace) and, when TIERSIM_DOCS_SCREENSHOTS names a folder,
the main screens also there as workbench-*.png."""

import json
import os
import shutil
import urllib.request
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
CARD_METRICS = ["resolution_rate", "satisfaction_rate", "response_rate", "within_limit_share",
                "lead_time_p50_h", "lead_time_p90_h", "coord_cost_h", "visits_per_case",
                "abandoned_share"]
HIGHER_IS_BETTER = {"resolution_rate", "satisfaction_rate", "response_rate", "within_limit_share"}
CHARTS = ["lead-tier", "lead-type", "rates-tier", "rates-province", "queues", "coord", "cross"]
OVERLAY = "test-redesign"

# The series of the ECharts instance in a chart container: [data length per series], or null
# when the container has no chart.
SERIES_LENGTHS = """
const el = document.querySelector(`[data-testid="chart-${arguments[0]}"]`);
const chart = el && echarts.getInstanceByDom(el);
if (!chart) return null;
return chart.getOption().series.map((s) => (s.data || []).length);
"""


def tid(name):
    return (By.CSS_SELECTOR, f'[data-testid="{name}"]')


@pytest.fixture(scope="module")
def artifacts(workspace):
    folder = Path(os.environ.get("TIERSIM_ARTIFACTS", workspace.parent / "artifacts"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def driver(tmp_path_factory):
    for path in (CHROMIUM, CHROMEDRIVER):
        assert Path(path).exists(), f"{path} is missing: run scripts/setup"
    options = Options()
    options.binary_location = CHROMIUM
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})  # the page's console
    options.add_experimental_option("prefs", {"intl.accept_languages": "zh-CN,zh"})
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--disable-quic", "--window-size=1440,1800",
                f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(arg)
    browser = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    yield browser
    browser.quit()


class Page:
    """The open workbench: finding by data-testid, waiting, screenshots."""

    def __init__(self, driver, artifacts):
        self.driver = driver
        self.artifacts = artifacts
        docs = os.environ.get("TIERSIM_DOCS_SCREENSHOTS")
        self.docs = Path(docs) if docs else None

    def wait(self, condition, timeout=10, message=""):
        """Waits for condition; on a timeout fails with the page's console and a screenshot."""
        try:
            # the page re-renders lists and tables: an element may go stale between two polls
            return WebDriverWait(self.driver, timeout, poll_frequency=0.05,
                                 ignored_exceptions=(StaleElementReferenceException,)
                                 ).until(condition, message)
        except TimeoutException:
            self.driver.save_screenshot(str(self.artifacts / "workbench-failure.png"))
            console = "\n".join(e["message"] for e in self.driver.get_log("browser"))
            pytest.fail(f"timed out after {timeout} s: {message}\nconsole:\n{console}")

    def find(self, name):
        return self.wait(EC.presence_of_element_located(tid(name)), message=name)

    def all(self, name):
        return self.driver.find_elements(*tid(name))

    def attr(self, name, attribute):
        return self.find(name).get_attribute(attribute)

    def text_of(self, name):
        return self.find(name).text

    def set_number(self, name, value):
        box = self.find(name)
        box.clear()
        box.send_keys(str(value))

    def open(self, url):
        self.driver.get(url)
        self.wait(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready")
                  == "true", timeout=20, message="the page did not load the schema and scenarios")

    def validated(self):
        """Waits for the validation of the latest edit; True when the redesign is valid."""
        self.wait(lambda d: self.attr("validation-errors", "data-state") != "pending")
        return self.attr("validation-errors", "data-state") == "ok"

    def shot(self, name, docs=False, top=None):
        """A screenshot of the window scrolled to the element `top` (else to the top)."""
        if top:
            self.driver.execute_script("arguments[0].scrollIntoView({block: 'start'})",
                                       self.find(top))
        else:
            self.driver.execute_script("window.scrollTo(0, 0)")
        path = self.artifacts / f"workbench-{name}.png"
        assert self.driver.save_screenshot(str(path)), path
        if docs and self.docs:
            self.docs.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, self.docs / path.name)


def get_json(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


def expected_significance(card):
    diff = card["diff"]
    if diff["low"] is None or diff["high"] is None:
        return "none"
    if diff["low"] <= 0 <= diff["high"]:
        return "ns"
    better = (diff["mean"] > 0) == (card["metric"] in HIGHER_IS_BETTER)
    return "better" if better else "worse"


def test_workbench(driver, server, workspace, artifacts):
    page = Page(driver, artifacts)
    page.open(server + "/")

    # The first visit follows the browser's language: Chinese.
    assert driver.execute_script("return navigator.language").startswith("zh")
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh"

    # Baseline and levers.
    Select(page.find("scenario-select")).select_by_value("s0-fragmented")
    page.wait(lambda d: "S0" in page.text_of("scenario-description"))
    for group in ("strategy", "technology", "organisation", "institution"):
        assert page.find(f"group-{group}").is_displayed()
    assert len(page.all("lever-technology.data_sharing.street")) == 1

    # An out-of-range value is refused beside its control, then corrected.
    page.set_number("lever-strategy.rehandle", 2)
    page.wait(lambda d: page.text_of("error-strategy.rehandle").strip() != "",
              message="no validation error beside strategy.rehandle")
    page.set_number("lever-strategy.rehandle", 0.3)
    assert page.validated(), page.text_of("validation-errors")
    assert page.text_of("error-strategy.rehandle") == ""

    Select(page.find("lever-tiers.district.design")).select_by_value("approval_bureau")
    windows = page.find("lever-organization.generalist_windows")
    was_checked = windows.is_selected()
    windows.click()
    assert windows.is_selected() != was_checked
    page.wait(lambda d: page.text_of("changes-count") == "3")
    assert page.validated(), page.text_of("validation-errors")
    page.set_number("replications", 3)
    page.shot("levers")

    # Run: the bar moves and finishes.
    page.find("run-button").click()
    seen = set()

    def finished(_):
        bar = page.find("progress-bar")
        seen.add(float(bar.get_attribute("data-progress")))
        state = bar.get_attribute("data-state")
        assert state not in ("failed", "cancelled"), page.text_of("status-text")
        return state == "done" and page.find("cards").is_displayed()

    page.wait(finished, timeout=60, message="the job did not finish")
    bar = page.find("progress-bar")
    assert float(bar.get_attribute("data-progress")) == 1.0
    assert int(bar.get_attribute("data-updates")) >= 2, "no progress event reached the page"
    assert max(seen) == 1.0 and len(seen) >= 2, seen
    job = page.attr("cards", "data-job")

    # Headline cards: numbers, the difference, its 95% interval, coloured only when it excludes 0.
    result = get_json(f"{server}/api/jobs/{job}/result")
    cards = {c["metric"]: c for c in result["cards"]}
    assert list(cards) == CARD_METRICS
    for metric in CARD_METRICS:
        card = page.find(f"card-{metric}")
        text = card.text
        assert any(ch.isdigit() for ch in text), (metric, text)
        assert "[" in text and "]" in text, (metric, text)
        assert card.get_attribute("data-significance") == expected_significance(cards[metric]), \
            (metric, cards[metric])

    # Charts: an ECharts instance with data in every series.
    for name in CHARTS:
        lengths = page.wait(lambda d, n=name: d.execute_script(SERIES_LENGTHS, n),
                            message=f"no chart in chart-{name}")
        assert lengths and all(n > 0 for n in lengths), (name, lengths)
    downloads = page.find("downloads").find_elements(By.TAG_NAME, "a")
    assert len(downloads) == 6
    page.shot("overview", docs=True)
    page.shot("charts", docs=True, top="chart-rates-province")

    # Where it hurts: the treemap and the league table, worst first, sortable.
    page.find("tab-hurts").click()
    page.wait(lambda d: len(page.all("league-row")) > 0, timeout=20, message="no league rows")
    treemap = page.wait(lambda d: d.execute_script(SERIES_LENGTHS, "treemap"))
    assert treemap and treemap[0] > 0
    table = page.find("league-table")
    assert table.get_attribute("data-sort") == "score:asc"

    def column(col):
        cells = table.find_elements(By.CSS_SELECTOR, f'td[data-col="{col}"]')
        return [c.get_attribute("data-value") for c in cells]

    scores = [float(v) for v in column("score") if v != ""]
    assert scores == sorted(scores)
    names_before = column("name")
    page.find("league-sort-closed").click()
    page.wait(lambda d: table.get_attribute("data-sort") == "closed:desc")
    closed = [float(v) for v in column("closed")]
    assert closed == sorted(closed, reverse=True)
    assert column("name") != names_before
    page.shot("where-it-hurts", docs=True)

    # Language: every label follows the switch, which persists.
    page.find("tab-overview").click()
    page.find("lang-en").click()
    page.wait(lambda d: page.text_of("tab-overview") == "Overview")
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    assert "Resolution rate" in page.text_of("card-resolution_rate")
    assert page.text_of("run-button") == "Run"
    legend = driver.execute_script(
        "return echarts.getInstanceByDom(document.querySelector('[data-testid=chart-lead-tier]'))"
        ".getOption().series.map((s) => s.name)")
    assert any("baseline" in name for name in legend), legend
    page.shot("english", docs=True)
    page.find("lang-zh").click()
    page.wait(lambda d: page.text_of("tab-overview") == "总览")
    assert "解决率" in page.text_of("card-resolution_rate")
    assert driver.execute_script("return localStorage.getItem('tiersim.lang')") == "zh"

    # Save the redesign as an overlay of the baseline.
    page.find("save-button").click()
    page.wait(EC.visibility_of_element_located(tid("overlay-name")))
    name_box = page.find("overlay-name")
    name_box.clear()
    name_box.send_keys(OVERLAY)
    page.find("overlay-confirm").click()
    toml = page.wait(EC.visibility_of_element_located(tid("overlay-toml"))).text
    assert 'base = "s0-fragmented"' in toml, toml
    assert "tiers.district.design" in toml and "approval_bureau" in toml, toml
    assert (workspace / "scenarios" / f"{OVERLAY}.toml").is_file()
    page.wait(lambda d: any(o.get_attribute("value") == f"workspace/{OVERLAY}"
                            for o in page.find("scenario-select").find_elements(By.TAG_NAME,
                                                                                "option")))
    page.shot("save", docs=True)
    page.find("overlay-close").click()

    # The language survives a reload.
    page.open(server + "/")
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh"


def test_tier_and_province_levers(driver, server, artifacts):
    """A per-tier lever (s0 sets technology.data_sharing as one number for all tiers) and a lever
    of one province validate."""
    page = Page(driver, artifacts)
    page.open(server + "/")
    Select(page.find("province-select")).select_by_value("P1")
    page.set_number("lever-strategy.rehandle", 0.4)
    page.wait(lambda d: "provinces.P1.strategy.rehandle" in page.text_of("changes-list"))
    assert page.validated(), page.text_of("validation-errors")
    # The view of all provinces keeps the baseline's value.
    Select(page.find("province-select")).select_by_value("")
    assert float(page.find("lever-strategy.rehandle").get_attribute("value")) == 0
    page.find("reset-button").click()

    page.set_number("lever-technology.data_sharing.street", 0.5)
    assert page.validated(), page.text_of("validation-errors")
    assert page.text_of("error-technology.data_sharing.street") == ""


def test_cancel(driver, server, artifacts):
    """A long job cancelled from the page ends as cancelled, with no result on screen."""
    page = Page(driver, artifacts)
    page.open(server + "/")
    page.set_number("replications", 20)
    page.find("run-button").click()
    page.wait(lambda d: page.find("cancel-button").is_displayed(), message="no cancel button")
    page.find("cancel-button").click()
    page.wait(lambda d: page.attr("progress-bar", "data-state") == "cancelled", timeout=20,
              message="the job was not cancelled")
    assert not page.find("cards").is_displayed()
    assert not page.find("cancel-button").is_displayed()
    assert page.find("run-button").is_enabled()

"""The workshop dashboard without a browser: the slider → override table, the charts' callback
against a direct run, and the callback's wall time on the demo park (the workshop's 2 s).

tests/browser/test_dashboard.py serves the same app to headless Chromium and moves sliders.
"""

from __future__ import annotations

import base64
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import SMALL_PARK, SMALL_SCENARIO, write_yaml
from dash import no_update

import parktwin
from parktwin.cli import main
from parktwin.viz import dashboard
from parktwin.viz.dashboard import base_scenario, create_app, scenario_files
from parktwin.viz.registry import registered
from parktwin.viz.sliders import SLIDERS, defaults, overrides_for
from parktwin.viz.summary import display, summary_text

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "scenarios" / "net_zero_2050.yaml"
IDS = [s.id for s in SLIDERS]


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    """The shared small scenario (2025–2028: PV 2026, battery and green power 2027, EV trucks 2028)."""
    folder = tmp_path_factory.mktemp("small")
    write_yaml(folder / "park.yaml", SMALL_PARK)
    return write_yaml(folder / "scenario.yaml", SMALL_SCENARIO)


@pytest.fixture(scope="module")
def app(small):
    return create_app(small, scenarios=[], keys=None)  # every registered figure


def _array(value) -> np.ndarray:
    """A trace's data as plotly writes it (a typed-array dict {dtype, bdata}) or as a list."""
    if isinstance(value, dict) and "bdata" in value:
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
    return np.asarray(value)


def _values(**changed) -> list[float]:
    """Slider values in SLIDERS order: the small scenario's defaults, some changed."""
    base = {"carbon_price_2050": 300, "pv_year_shift": 0, "storage_scale": 1, "ev_share": 100, "green_power_cap": 50,
            "subsidy_share": 0}
    base.update(changed)
    return [base[i] for i in IDS]


def test_defaults_reproduce_the_scenario(small):
    doc = base_scenario(str(small)).document
    assert defaults(doc) == {"carbon_price_2050": 300, "pv_year_shift": 0, "storage_scale": 1, "ev_share": 100,
                             "green_power_cap": 50, "subsidy_share": 0}
    assert overrides_for(defaults(doc), doc) == []


@pytest.mark.parametrize(("slider", "value", "expected"), [
    ("carbon_price_2050", 600, ["carbon_price_cny_per_tco2.2050=600"]),
    ("pv_year_shift", 1, ["roadmap.pv1.year=2027"]),
    ("pv_year_shift", 6, ["roadmap.pv1.year=2028"]),  # kept inside the horizon (last year 2028)
    ("pv_year_shift", -3, []),  # already in the first year a decision can be taken
    ("storage_scale", 2, ["roadmap.bat1.energy_kwh=40000", "roadmap.bat1.power_kw=10000"]),
    ("storage_scale", 0.25, ["roadmap.bat1.energy_kwh=5000", "roadmap.bat1.power_kw=1250"]),
    ("ev_share", 50, ["roadmap.ev.share=0.5"]),
    ("ev_share", 10, ["roadmap.ev.share=0.1"]),
    ("green_power_cap", 30, ["roadmap.gp.share=0.3"]),
    ("green_power_cap", 0, ["roadmap.gp.share=0"]),
    ("green_power_cap", 100, []),  # a cap above every share changes nothing
])
def test_slider_maps_to_overrides_that_validate(small, slider, value, expected):
    doc = base_scenario(str(small)).document
    overrides = overrides_for({slider: value}, doc)
    assert overrides == expected
    loaded = parktwin.load(small, overrides)  # validates like --set
    assert [f"{k}={v}" for k, v in loaded.overrides] == overrides


def test_every_slider_at_its_ends_validates_together(small):
    doc = base_scenario(str(small)).document
    for pick in (lambda s: s.min, lambda s: s.max):
        overrides = overrides_for({s.id: pick(s) for s in SLIDERS}, doc)
        parktwin.load(small, overrides)


def test_sliders_with_nothing_to_act_on_add_nothing_and_are_disabled(small, tmp_path):
    write_yaml(tmp_path / "park.yaml", SMALL_PARK)
    bare = write_yaml(tmp_path / "bare.yaml", {**SMALL_SCENARIO, "roadmap": []})
    doc = base_scenario(str(bare)).document
    assert overrides_for({s.id: s.max for s in SLIDERS}, doc) == ["carbon_price_cny_per_tco2.2050=1000"]
    app = create_app(small, scenarios=[str(small), str(bare)], keys=["emissions"])
    assert app.scenario_ids == {"scenario": dashboard._display(small), "bare": dashboard._display(bare)}
    out = app.reset_sliders("bare", 0)
    n = len(SLIDERS)
    assert out[n:2 * n] == [False, True, True, True, True, True]  # disabled: all but the carbon price
    assert out[2 * n + 1] != ""  # says why


def test_items_without_id_are_addressed_by_position(tmp_path):
    write_yaml(tmp_path / "park.yaml", SMALL_PARK)
    path = write_yaml(tmp_path / "s.yaml", {**SMALL_SCENARIO, "roadmap": [
        {"kind": "green_power", "year": 2026, "share": 0.4}, {"kind": "rooftop_pv", "year": 2026}]})
    overrides = overrides_for({"pv_year_shift": 1, "green_power_cap": 20}, base_scenario(str(path)).document)
    assert overrides == ["roadmap.1.year=2027", "roadmap.0.share=0.2"]
    parktwin.load(path, overrides)


def _all_tabs(app, values: list[float]) -> tuple[list, list]:
    """Every figure of the app, each from the call that showed its tab; and the last call's output."""
    specs = registered()
    figures: dict[str, object] = {}
    for tab, keys in app.tabs.items():
        out = app.update_charts("scenario", values, tab)
        assert out[-1] == ""
        for spec, fig in zip(specs, out[:len(specs)]):
            if spec.key in keys:
                figures[spec.key] = fig
            else:
                assert fig is no_update, (tab, spec.key)  # figures of other tabs are not built
    return [figures[s.key] for s in specs], out


def test_callback_matches_a_direct_run(app, small):
    values = _values(carbon_price_2050=600, pv_year_shift=1, storage_scale=2, ev_share=50, green_power_cap=30)
    specs = registered()
    figures, out = _all_tabs(app, values)
    summary, kpis, status, warnings, error = out[-5], out[-4], out[-3], out[-2], out[-1]
    # the small park's firms do not decide and no policy charges carbon: the carbon-price slider says so (spec/levers.py)
    assert error == "" and len(warnings) == 1 and "carbon_price_cny_per_tco2" in str(warnings[0])
    overrides = ["carbon_price_cny_per_tco2.2050=600", "roadmap.pv1.year=2027", "roadmap.bat1.energy_kwh=40000",
                 "roadmap.bat1.power_kw=10000", "roadmap.ev.share=0.5", "roadmap.gp.share=0.3"]
    direct = parktwin.run(parktwin.load(small, overrides), seed=0)
    for spec, fig in zip(specs, figures):
        expected = spec.build(direct, "en")
        if expected is None:  # nothing to show for this run (e.g. no firm decided anything)
            assert not (fig["data"] if isinstance(fig, dict) else fig.data), spec.key
            continue
        assert len(fig["data"]) == len(expected.data), spec.key
        for got, want in zip(fig["data"], expected.data):
            assert got["name"] == want.name
            for axis in ("x", "y") if want.type != "sankey" else ():
                np.testing.assert_array_equal(_array(got[axis]), _array(getattr(want, axis)), err_msg=f"{spec.key} {want.name}")
    text = " ".join(str(c) for c in status)
    assert all(o in text for o in overrides)
    last = direct.annual.iloc[-1]
    shown = " ".join(str(card.children[0].children) for card in kpis)
    labels = " ".join(str(card.children[1].children) for card in kpis)
    assert display(last["net_tco2"], "tco2", "en") in shown  # rounded as the report's key figures
    assert f"{last['carbon_price_cny_per_tco2']:,.0f}" in shown + labels  # the price, or the cost at that price
    # the written summary is the report's, of the same run
    assert [p.children for p in summary] == summary_text(direct, "en")
    # and the settings differ from the scenario as written
    plain = parktwin.run(small, seed=0)
    assert not np.allclose(plain.annual["net_tco2"], direct.annual["net_tco2"])


def test_bad_input_is_shown_not_raised(small, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: x\npark: nowhere.yaml\n", encoding="utf-8")
    app = create_app(small, scenarios=[str(small), str(broken)], keys=["emissions"])
    out = app.update_charts("broken", _values(), "pathway")
    assert all(o is no_update for o in out[:-1])
    assert "nowhere.yaml" in out[-1]


def test_callback_time_on_the_demo_park_is_under_two_seconds(monkeypatch):
    """The workshop's requirement: a slider move shows a fresh 25-year run within 2 s."""
    monkeypatch.chdir(ROOT)
    app = create_app(DEMO, scenarios=[])  # runs the scenario once: the later runs are warm
    times = []
    tab = next(iter(app.tabs))
    for pv, battery, green in ((2, 1.5, 60), (-1, 0.5, 80), (4, 2.5, 40)):
        start = time.perf_counter()
        out = app.update_charts("net_zero_2050", [500, pv, battery, 70, green, 0], tab)
        times.append(time.perf_counter() - start)
        assert out[-1] == ""
    print(f"\ndashboard callback on the demo park (load + 25-year run + the {len(app.tabs[tab])} figures of a tab): "
          + ", ".join(f"{t:.2f} s" for t in times))
    assert max(times) < 2.0, times


def test_page_words_in_chinese(small):
    app = create_app(small, lang="zh", scenarios=[], keys=["emissions"])
    layout = str(app.layout)
    assert "2050年碳价" in layout and "分范围排放与净零目标" in layout and "运行时间" in layout
    with pytest.raises(ValueError):
        create_app(small, lang="fr")


def test_scenario_files_lists_the_working_directory(tmp_path, monkeypatch):
    for name in ("b.yaml", "a.yaml"):
        (tmp_path / "scenarios").mkdir(exist_ok=True)
        (tmp_path / "scenarios" / name).write_text("name: x\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert scenario_files("other/given.yaml") == ["other/given.yaml", "scenarios/a.yaml", "scenarios/b.yaml"]
    assert scenario_files("scenarios/b.yaml") == ["scenarios/b.yaml", "scenarios/a.yaml"]


def test_cli_serve_passes_its_options(monkeypatch):
    seen = {}
    monkeypatch.setattr(dashboard, "serve", lambda scenario, **kw: seen.update(scenario=scenario, **kw))
    assert main(["serve", "--scenario", "x.yaml", "--port", "8123", "--lang", "zh"]) == 0
    workshop = [s.key for s in registered() if s.key in dashboard.WORKSHOP_FIGURES]
    assert seen == {"scenario": "x.yaml", "host": "127.0.0.1", "port": 8123, "lang": "zh", "seed": 0, "keys": workshop,
                    "park": None, "scenarios": None}
    assert main(["serve", "--figures", "all"]) == 0 and seen["keys"] is None
    assert main(["serve", "--figures", "emissions,macc"]) == 0 and seen["keys"] == ["emissions", "macc"]
    assert main(["serve", "--figures", "emissions,nope"]) == 2  # unknown keys refused before anything runs
    assert main(["serve", "a.yaml", "b.yaml", "--park", "p.yaml"]) == 0
    assert seen["scenario"] == "a.yaml" and seen["scenarios"] == ["a.yaml", "b.yaml"] and seen["park"] == "p.yaml"


SUBSIDY_LED = ROOT / "scenarios" / "subsidy_led.yaml"


def test_subsidy_slider_writes_the_policy_shares():
    doc = base_scenario(str(SUBSIDY_LED)).document
    # subsidy_led.yaml: heat pumps and electric boilers 40 %, efficiency 30 % -> the slider starts at 40 %
    assert defaults(doc)["subsidy_share"] == 40
    assert overrides_for({"subsidy_share": 40}, doc) == []
    expected = [f"policy.capex_subsidy_share.{m}=0.7" for m in ("heat_pump", "electric_boiler", "efficiency")]
    assert overrides_for({"subsidy_share": 70}, doc) == expected
    loaded = parktwin.load(SUBSIDY_LED, expected)  # validates like --set
    assert dict(loaded.scenario.policy.capex_subsidy_share) == {"heat_pump": 0.7, "electric_boiler": 0.7, "efficiency": 0.7}
    # no firm decides anything in net_zero_2050.yaml: the slider has nothing to act on there
    slider = next(s for s in SLIDERS if s.id == "subsidy_share")
    assert not slider.applies(base_scenario(str(DEMO)).document)
    # firms that decide only efficiency: only its share is written; deciding nothing: nothing to act on
    only = {**doc, "decisions": {"enabled": True, "measures": ["efficiency"]}}
    assert overrides_for({"subsidy_share": 50}, only) == ["policy.capex_subsidy_share.efficiency=0.5"]
    assert not slider.applies({**doc, "decisions": {"enabled": True, "measures": []}})


def _firm_projects(results) -> int:
    """Projects firms started themselves (events whose origin is an enterprise)."""
    return int(results.events["origin"].isin(list(results.manifest["sectors"])).sum())


def test_subsidy_slider_moves_adoption_within_two_seconds(monkeypatch):
    """Moving the subsidy from 0 % to 80 % on the demo park's subsidy-led scenario: firms start
    more heat-pump, boiler and efficiency projects (a lower capex clears more hurdles), 2050 net
    emissions fall, and each move takes under the workshop's 2 s."""
    monkeypatch.chdir(ROOT)
    app = create_app(SUBSIDY_LED, scenarios=[], keys=["emissions", "adoption"])
    rel = str(SUBSIDY_LED.relative_to(ROOT))
    doc = base_scenario(rel).document
    seen, times = {}, []
    for subsidy in (0, 80, 40):
        values = {**defaults(doc), "subsidy_share": subsidy}
        start = time.perf_counter()
        out = app.update_charts("subsidy_led", [values[i] for i in IDS], "money")
        times.append(time.perf_counter() - start)
        assert out[-1] == ""
        update = dashboard.compute(rel, values, specs=[])  # the same run, for its tables
        seen[subsidy] = update.results
    print("\nsubsidy slider callback on the demo park: " + ", ".join(f"{t:.2f} s" for t in times))
    assert max(times) < 2.0, times
    none, most = seen[0], seen[80]
    assert _firm_projects(most) > _firm_projects(none)
    assert most.annual["net_tco2"].iloc[-1] < none.annual["net_tco2"].iloc[-1]
    # at 40 % the slider writes nothing: the scenario as written
    written = parktwin.run(SUBSIDY_LED, seed=0)
    np.testing.assert_array_equal(seen[40].annual["net_tco2"], written.annual["net_tco2"])


# -- what a client may ask for (issue: the dashboard opened any path a client sent) ---------------------
def _dash_post(url: str, app, scenario_value, body: bytes | None = None):
    """POST a callback request for the charts' callback as the page would, with ``scenario_value``
    in place of an offered id; returns (status, body text)."""
    import json
    import urllib.error
    import urllib.request

    if body is None:
        with urllib.request.urlopen(url + "_dash-dependencies", timeout=30) as reply:
            deps = json.load(reply)
        dep = next(d for d in deps if any(i["id"] == "levers" for i in d["inputs"]))
        outputs = [dict(zip(("id", "property"), o.rsplit(".", 1))) for o in dep["output"].strip(".").split("...")]
        inputs = [{"id": "scenario", "property": "value", "value": scenario_value},
                  {"id": "levers", "property": "data", "value": _values()},
                  {"id": "tab", "property": "value", "value": "pathway"}]
        body = json.dumps({"output": dep["output"], "outputs": outputs, "inputs": inputs,
                           "changedPropIds": ["scenario.value"], "state": []}).encode()
    request = urllib.request.Request(url + "_dash-update-component", data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as reply:
            return reply.status, reply.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_a_crafted_callback_with_a_path_is_refused_and_reveals_nothing(app, small, tmp_path, monkeypatch):
    """Issue #14: a callback with the absolute path of any YAML on the disk ran it, and the replies
    told which files exist. Now the page sends ids; anything else is refused the same way,
    without opening a file."""
    elsewhere = write_yaml(tmp_path / "secret" / "scenario.yaml", SMALL_SCENARIO)
    write_yaml(tmp_path / "secret" / "park.yaml", SMALL_PARK)
    opened = []
    monkeypatch.setattr(dashboard, "base_scenario", lambda *a, **k: opened.append(a) or pytest.fail("opened a file"))
    monkeypatch.setattr(parktwin, "load", lambda *a, **k: opened.append(a) or pytest.fail("loaded a file"))
    with dashboard.BackgroundServer(app) as server:
        replies = {name: _dash_post(server.url, app, value) for name, value in (
            ("existing", str(elsewhere)), ("missing", str(tmp_path / "nope.yaml")), ("offered path", str(small)),
            ("relative", "../../etc/passwd"), ("not a string", {"path": str(elsewhere)}))}
    assert opened == []
    statuses = {status for status, _ in replies.values()}
    assert statuses == {200}
    texts = {text for _, text in replies.values()}
    assert len(texts) == 1, texts  # the same reply whatever was sent: nothing about which files exist
    text = texts.pop()
    assert "This page offers no such scenario" in text
    assert str(tmp_path) not in text and "scenario.yaml" not in text


def test_the_offered_id_runs_over_http(app):
    with dashboard.BackgroundServer(app) as server:
        status, text = _dash_post(server.url, app, "scenario")
    assert status == 200 and "Active overrides" in text and "This page offers" not in text


def test_deeply_nested_json_is_refused_before_dash_reads_it(app, caplog):
    """Issue #14: 100,000 nested arrays logged a RecursionError; now a 400 before any parsing."""
    deep = b'{"inputs": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    with dashboard.BackgroundServer(app) as server:
        start = time.perf_counter()
        status, text = _dash_post(server.url, app, None, body=deep[:60_000] + b"]" * 0)  # under the size limit
        elapsed = time.perf_counter() - start
        assert status == 400 and "nested deeper than 32" in text
        assert elapsed < 2.0
        status, text = _dash_post(server.url, app, None, body=deep)  # and over it
        assert status == 413
        # brackets inside strings do not count, and a normal request still works
        status, _ = _dash_post(server.url, app, "scenario")
        assert status == 200
    assert "RecursionError" not in caplog.text


def test_json_depth_counts_without_recursion():
    assert dashboard.json_depth(b'{"a": [1, {"b": [2]}]}') == 4
    assert dashboard.json_depth(b'{"a": "[[[[[[{{{{"}') == 1  # in a string
    assert dashboard.json_depth(b'{"a": "x\\"}') == 1  # an escaped backslash ends the string
    assert dashboard.json_depth(b'{"a": "\\"[[[}', limit=5) == 4
    assert dashboard.json_depth(b"[" * 1_000_000, limit=32) == 33  # stops past the limit


def test_host_note_says_what_is_exposed(monkeypatch, capsys):
    assert dashboard.exposure_note("127.0.0.1", 8050, ["scenarios/a.yaml"]) is None
    note = dashboard.exposure_note("0.0.0.0", 8050, ["scenarios/a.yaml", "scenarios/b.yaml"], park="models/p.yaml")
    assert "anyone who can reach this computer" in note and "scenarios/a.yaml, scenarios/b.yaml" in note
    assert "on the park models/p.yaml" in note and "start runs" in note and "Nothing else on the disk" in note
    assert "no login" in note


def test_levers_out_of_range_are_refused(app):
    for levers in ([1e9] * len(IDS), ["1e999"] * len(IDS), [float("nan")] * len(IDS), _values()[:-1], None):
        out = app.update_charts("scenario", levers, "pathway")
        assert all(o is no_update for o in out[:-1]) and "outside its range" in out[-1]


def test_lever_warnings_are_shown(small):
    """The hook for levers that cannot change anything: its lines appear above the charts."""
    seen = []

    def warn(loaded, overrides):
        seen.append((loaded.scenario.name, list(overrides)))
        return [f"{o} changes nothing here" for o in overrides]

    app = create_app(small, scenarios=[], keys=["emissions"], lever_warnings=warn)
    out = app.update_charts("scenario", _values(carbon_price_2050=600), "pathway")
    assert [p.children for p in out[-2]] == ["carbon_price_cny_per_tco2.2050=600 changes nothing here"]
    assert seen == [("small", ["carbon_price_cny_per_tco2.2050=600"])]
    assert app.update_charts("scenario", _values(), "pathway")[-2] == []  # no overrides, no warning


def test_another_park_for_every_scenario(small, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_yaml(tmp_path / "mine.yaml", {**SMALL_PARK, "name": "My park"})
    app = create_app(small, scenarios=[], keys=["emissions"], park="mine.yaml")
    assert app.first_update.results.manifest["park_name"] == "My park"
    out = app.update_charts("scenario", _values(carbon_price_2050=600), "pathway")
    assert "--park mine.yaml" in " ".join(str(c.children) if hasattr(c, "children") else c for c in out[-3])


def test_figure_selection_words():
    from parktwin.viz.figure_sets import FIGURE_SETS, FigureSelectionError, figure_keys

    known = [s.key for s in registered()]
    for keys in FIGURE_SETS.values():  # every set names registered figures
        assert set(keys) <= set(known)
    assert figure_keys("all") is None and figure_keys(None) is None
    assert figure_keys(None, default="workshop") == [k for k in known if k in FIGURE_SETS["workshop"]]
    assert figure_keys("macc,emissions") == ["emissions", "macc"]  # report order
    assert figure_keys("slides,sankey_carbon") == [k for k in known if k in {*FIGURE_SETS["slides"], "sankey_carbon"}]
    with pytest.raises(FigureSelectionError, match="unknown 'nope'.*'all', a set \\(workshop, slides\\)"):
        figure_keys("emissions,nope")


def test_report_figures_is_a_selection_and_the_folder_is_export_dir(tmp_path, capsys):
    assert main(["report", "--list-figures"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("workshop: ") and "\nslides: " in out and "\nemissions: Emissions by scope" in out
    (tmp_path / "slides").mkdir()
    assert main(["report", str(tmp_path), "--export", "png", "--figures", str(tmp_path / "slides")]) == 2
    assert f"the folder they go to is --export-dir {tmp_path / 'slides'}" in capsys.readouterr().err
    assert main(["report", str(tmp_path), "--export", "png", "--figures", "nope"]) == 2
    assert "--figures: unknown 'nope'" in capsys.readouterr().err
    assert main(["report", str(tmp_path), "--figures", "slides"]) == 2
    assert "give --export too" in capsys.readouterr().err

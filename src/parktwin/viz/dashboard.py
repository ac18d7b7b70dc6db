"""The workshop dashboard (``parktwin serve``): sliders over one scenario, charts from a fresh run.

Every slider is one row of ``SLIDERS``: its id, labels, range, and a rule
``rule(value, document) -> ["path=value", ...]`` over the scenario's resolved document (park
included, as ``parktwin.load`` returns it in ``Loaded.document``). A move of any slider loads
the scenario with the overrides of all sliders through ``parktwin.load`` — the one override
mechanism that also serves ``--set`` and Monte Carlo samples — runs it, and rebuilds the
registered figures (``viz.registry``) of the tab on screen, the key figures, the report's
written summary (``viz.summary``) and a line naming the active overrides.

Speed: a lever reaches the server when the mouse is released, or 0.4 s after the last key press
(``DEBOUNCE_JS``), not at every arrow-key step; the figures sit in tabs (the run report's
groups) and only the tab on screen is built; the last runs are kept, so another tab of the same
run is built without running again.

Safety: the page offers the scenario files given when it starts (``scenario_ids``) and sends
back only their ids; a callback naming anything else is refused without touching the disk.
``guard_requests`` refuses large or deeply nested request bodies before Dash parses them.

A slider at the value that reproduces the scenario as written (its ``default``) adds no
override; a slider whose scenario has nothing to act on (``applies`` false, e.g. no battery in
the roadmap, or no firm deciding its own measures for the subsidy) is disabled.

Dash serves its own JavaScript from the installed package (``serve_locally=True``): the page
makes no request beyond the server it came from, so a workshop runs offline.
"""

from __future__ import annotations

import math
import re
import shlex
import sys
import threading
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

import plotly.graph_objects as go
import plotly.io as pio

from parktwin import api
from parktwin.results.tables import Results
from parktwin.spec import levers
from parktwin.spec.errors import InputError
from parktwin.spec.load import Loaded
from parktwin.viz.figure_sets import WORKSHOP
from parktwin.viz.registry import FigureSpec, registered
from parktwin.viz.report import GROUPS, dress, group_of, key_figures
from parktwin.viz.sliders import SLIDERS, Slider, close, overrides_for
from parktwin.viz.summary import display, summary_text

DEFAULT_SCENARIO = "scenarios/net_zero_2050.yaml"


# -- words on the page -----------------------------------------------------------------------------
TEXT = {
    "en": {
        "title": "Park transition — workshop",
        "scenario": "Scenario",
        "levers": "Levers",
        "reset": "Reset to the scenario",
        "not_applicable": "nothing in this scenario to act on",
        "overrides": "Active overrides",
        "none": "none — the scenario as written",
        "reproduce": "Reproduce",
        "run_time": "Run time ({n} years)",
        "update_time": "update {s:.2f} s",
        "carbon_price": "Carbon price {y} [CNY/tCO₂]",
        "carbon_cost": "Carbon cost {y}: scope 1 at {p} CNY/tCO₂",
        "carbon_note": "The carbon price prices scope 1 (the carbon-cost figure); firms weigh it, and the subsidy, only in scenarios where they decide their own measures (decisions.enabled).",
        "nothing": "nothing to show for this run",
        "error": "This combination is not a valid input:",
        "unknown_scenario": "This page offers no such scenario; reload the page.",
        "bad_value": "A lever sent a value outside its range; reload the page.",
        "summary": "The pathway in words",
    },
    "zh": {
        "title": "园区转型 — 研讨会",
        "scenario": "情景",
        "levers": "调节参数",
        "reset": "恢复情景原值",
        "not_applicable": "本情景中无可调整的项目",
        "overrides": "当前调整",
        "none": "无 — 情景原样",
        "reproduce": "复现命令",
        "run_time": "运行时间（{n}年）",
        "update_time": "更新 {s:.2f} 秒",
        "carbon_price": "{y}年碳价 [元/tCO₂]",
        "carbon_cost": "{y}年碳成本：范围一 × {p}元/tCO₂",
        "carbon_note": "碳价用于计算范围一的碳成本；仅在企业自主决策的情景（decisions.enabled）中，企业才会在决策时考虑碳价与补贴。",
        "nothing": "本次运行无可显示内容",
        "error": "该组合不是有效输入：",
        "unknown_scenario": "本页面没有该情景，请刷新页面。",
        "bad_value": "调节参数的取值超出范围，请刷新页面。",
        "summary": "路径摘要",
    },
}

# the status line holds long override paths: it wraps anywhere, and its line height leaves room
# for underscores and descenders (the code boxes' padding would otherwise overlap the next line)
CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI','Noto Sans CJK SC','Microsoft YaHei',sans-serif;margin:0;color:#222;background:#fafafa}
header{background:#17324d;color:#fff;padding:12px 24px;display:flex;align-items:center;gap:24px;flex-wrap:wrap}
header h1{margin:0;font-size:20px;font-weight:600}header .scenario{min-width:420px;color:#222}
.wrap{display:flex;gap:16px;padding:12px 16px;align-items:flex-start}
aside{width:330px;flex:none;background:#fff;border:1px solid #ddd;border-radius:6px;padding:10px 14px;position:sticky;top:8px}
aside h2{font-size:15px;margin:4px 0 8px}.lever{margin:10px 0 18px}.lever label{font-size:13px;display:block;margin-bottom:4px}
.lever .na{font-size:11px;color:#999}.note{font-size:11px;color:#666;margin-top:6px}
main{flex:1;min-width:0}.kpis{display:flex;flex-wrap:wrap;gap:10px;margin:0 0 8px}
.kpi{background:#fff;border:1px solid #ddd;border-radius:6px;padding:8px 12px;min-width:150px}
.kpi b{display:block;font-size:19px}.kpi span{font-size:12px;color:#555}
.status{font-size:12px;color:#444;margin:4px 0 10px;line-height:1.9;overflow:visible;overflow-wrap:anywhere}
.status code{background:#eef;padding:2px 4px;border-radius:3px;line-height:1.5;font-size:12px;
  box-decoration-break:clone;-webkit-box-decoration-break:clone;overflow-wrap:anywhere}
.warnings{color:#8a5a00;font-size:13px;margin:0 0 8px}.warnings p{margin:2px 0}
.error{color:#b00;white-space:pre-wrap;font-size:13px}
details.summary{background:#fff;border:1px solid #e3e3e3;border-radius:6px;margin:0 0 12px;padding:6px 12px}
details.summary summary{cursor:pointer;font-weight:600;font-size:15px}details.summary p{font-size:13px;line-height:1.5;margin:6px 0}
section{background:#fff;border:1px solid #e3e3e3;border-radius:6px;margin:0 0 12px;padding:6px 10px}
section h2{font-size:16px;margin:4px 4px}.tabs{margin:0 0 10px}
"""

# which input moved a lever last: a key press waits for the keys to rest (DEBOUNCE_MS), a release
# of the mouse or a touch runs at once
DEBOUNCE_MS = 400
INPUT_JS = """<script>
window.parktwinInput = 'pointer';
document.addEventListener('keydown', function () { window.parktwinInput = 'key'; }, true);
document.addEventListener('pointerdown', function () { window.parktwinInput = 'pointer'; }, true);
</script>"""

INDEX = """<!DOCTYPE html>
<html lang="{lang}"><head>{{%metas%}}<title>{{%title%}}</title>{{%favicon%}}{{%css%}}<style>{css}</style>{js}</head>
<body>{{%app_entry%}}<footer>{{%config%}}{{%scripts%}}{{%renderer%}}</footer></body></html>"""

# the levers' values go to the server through this store: at once after a mouse release, after
# DEBOUNCE_MS of rest after key presses (every arrow-key step would otherwise start a run)
DEBOUNCE_JS = """
function () {
    var values = Array.prototype.slice.call(arguments);
    window.parktwinLeverSeq = (window.parktwinLeverSeq || 0) + 1;
    var mine = window.parktwinLeverSeq;
    if (window.parktwinInput !== 'key') { return values; }
    return new Promise(function (resolve) {
        setTimeout(function () {
            resolve(mine === window.parktwinLeverSeq ? values : window.dash_clientside.no_update);
        }, %d);
    });
}
""" % DEBOUNCE_MS


# -- runs ----------------------------------------------------------------------------------------------
_RUN_LOCK = threading.Lock()  # one run at a time: a workshop has one screen, Mesa models are not shared


def base_scenario(path: str | Path, park: str | Path | None = None) -> Loaded:
    """The scenario as written (on ``park``, if given), loaded once per file (its document gives
    the sliders' defaults). Edits to the file show after a restart."""
    return _base_scenario(str(Path(path).resolve()), str(Path(park).resolve()) if park else None)


@lru_cache(maxsize=16)
def _base_scenario(path: str, park: str | None) -> Loaded:
    return api.load(path, park=park)


@lru_cache(maxsize=4)
def _run(path: str, park: str | None, overrides: tuple[str, ...], seed: int) -> tuple[Results, float]:
    """A run of the scenario with ``overrides`` and its wall time [s]; the last few are kept, so
    showing another tab of the same run builds figures without running again."""
    loaded = api.load(path, list(overrides), park=park) if overrides else base_scenario(path, park)
    with _RUN_LOCK:
        t0 = time.perf_counter()
        results = api.run(loaded, seed=seed)
        return results, time.perf_counter() - t0


@lru_cache(maxsize=8)
def _page_words(path: str, park: str | None, overrides: tuple[str, ...], seed: int, lang: str) -> tuple[list, list]:
    """Key figures and written summary of a kept run (another tab of it needs them again)."""
    results, run_s = _run(path, park, overrides, seed)
    return page_kpis(results, lang, run_s), summary_text(results, lang)


@dataclass
class Update:
    """What one slider move produces."""

    overrides: list[str]
    results: Results
    figures: dict[str, dict | None]  # plotly figure dicts by registry key; None: nothing to show
    run_s: float  # the simulation alone (of the run these figures come from)
    callback_s: float = 0.0  # load + run + figures: the callback's wall time
    kpis: list[tuple[str, str]] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)  # the report's written summary, plain text
    warnings: list[str] = field(default_factory=list)  # levers that cannot change what they appear to


@lru_cache(maxsize=1)
def _template() -> dict:
    return pio.templates["plotly_white"].to_plotly_json()


def styled(fig: go.Figure, uirevision: str) -> dict:
    """The report's look (viz.report) as a figure dict for the page; ``uirevision`` keeps zoom and
    hidden traces across slider moves. (The template goes into the dict: setting it on the figure
    object validates the whole template again, ~20 ms a figure.)"""
    dress(fig, top_margin=50).update_layout(uirevision=uirevision)
    out = fig.to_plotly_json()
    out["layout"]["template"] = _template()
    return out


# (loaded scenario, overrides) -> warning lines: which overrides cannot change what they appear to
LeverWarnings = Callable[[Loaded, list[str]], list[str]]


def override_warnings(loaded: Loaded, overrides: list[str]) -> list[str]:
    """The default ``LeverWarnings``: spec.levers' warning for each override's path (e.g. a carbon
    price moved where no firm decides and no policy charges it)."""
    return levers.lever_warnings(loaded.scenario, [o.split("=", 1)[0] for o in overrides])


def compute(path: str, values: dict[str, float], lang: str = "en", seed: int = 0,
            specs: list[FigureSpec] | None = None, sliders: tuple[Slider, ...] = SLIDERS,
            park: str | Path | None = None, lever_warnings: LeverWarnings | None = override_warnings) -> Update:
    """Load ``path`` (on ``park``) with the sliders' overrides, run it (or take the kept run of
    the same inputs) and build the figures of ``specs`` (default every registered one)."""
    start = time.perf_counter()
    base = base_scenario(path, park)
    overrides = overrides_for(values, base.document, sliders)
    park_key = str(Path(park).resolve()) if park else None
    results, run_s = _run(str(Path(path).resolve()), park_key, tuple(overrides), seed)
    figures = {}
    for spec in specs if specs is not None else registered():
        fig = spec.build(results, lang)
        revision = f"{path}|{spec.key}|{fig.layout.title.text if fig is not None else ''}"
        figures[spec.key] = styled(fig, revision) if fig is not None else None
    kpis, summary = _page_words(str(Path(path).resolve()), park_key, tuple(overrides), seed, lang)
    warnings = lever_warnings(base, overrides) if lever_warnings is not None and overrides else []
    callback_s = time.perf_counter() - start
    return Update(overrides, results, figures, run_s, callback_s, list(kpis), list(summary), list(warnings))


def page_kpis(results: Results, lang: str, run_s: float) -> list[tuple[str, str]]:
    """The report's key figures, the last year's carbon price (and its cost, where the run has
    it) and the run time."""
    words = TEXT[lang]
    last = results.annual.iloc[-1]
    year, price = int(last["year"]), float(last["carbon_price_cny_per_tco2"])
    if "carbon_cost_cny" in last.index:
        cost = float(last["carbon_cost_cny"])
        value = display(cost, "cny", lang)
        carbon = (value, words["carbon_cost"].format(y=year, p=f"{price:,.0f}"))
    else:
        carbon = (f"{price:,.0f}", words["carbon_price"].format(y=year))
    return [*key_figures(results, lang), carbon, (f"{run_s:.2f} s", words["run_time"].format(n=len(results.annual) - 1))]


def _placeholder(lang: str) -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text=TEXT[lang]["nothing"], showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5)
    fig.update_layout(template="plotly_white", xaxis_visible=False, yaxis_visible=False, height=200)
    return fig


# -- what the page may ask for ------------------------------------------------------------------------
def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path.resolve())


def scenario_files(given: str | Path | None = None, folder: str | Path = "scenarios") -> list[str]:
    """``scenarios/*.yaml`` under the working directory, plus ``given`` (first), as display paths."""
    out = [_display(Path(given))] if given else []
    for path in sorted(Path(folder).glob("*.yaml")):
        name = _display(path)
        if name not in out:
            out.append(name)
    return out


def scenario_ids(files: list[str]) -> dict[str, str]:
    """An id for each served file (its name without ``.yaml``; ``-2``, ``-3`` … where names
    repeat), in the files' order. The page sends back only an id; the server looks the file up
    here, so no path a client sends is ever opened."""
    out: dict[str, str] = {}
    for file in files:
        stem = Path(file).stem or "scenario"
        ident, n = stem, 1
        while ident in out:
            n += 1
            ident = f"{stem}-{n}"
        out[ident] = file
    return out


def _option(ident: str, path: str, park: str | None) -> dict[str, Any]:
    try:
        sc = base_scenario(path, park).scenario
    except InputError:
        return {"label": f"{path} (not valid input: parktwin check {path})", "value": ident, "disabled": True}
    return {"label": f"{sc.name} — {sc.park.name} ({path})", "value": ident}


def exposure_note(host: str, port: int, files: list[str], park: str | Path | None = None) -> str | None:
    """What ``--host`` opens to the network (None on a loopback address)."""
    if host in ("127.0.0.1", "localhost", "::1"):
        return None
    on = f" on the park {park}" if park else ""
    return (f"note: on {host}:{port} anyone who can reach this computer can open the dashboard, read the {len(files)} "
            f"scenario(s) it offers{on} ({', '.join(files)}: their names, parks, file names, roadmaps, every chart and "
            f"summary), and start runs of them with any slider values, one at a time, each taking this computer's CPU "
            f"for about a second. Nothing else on the disk is offered or opened. There is no login: use it only on a "
            f"network you trust; the default --host 127.0.0.1 keeps it to this computer.")


# -- a guard in front of Dash: small, shallow requests only -----------------------------------------
MAX_REQUEST_BYTES = 64 * 1024  # a callback request of this page is < 2 kB (ids, lever values, the tab)
MAX_JSON_DEPTH = 32  # its JSON nests ≤ 6 deep; Python's json recursion fails near 1,000

_JSON_SCAN = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.S)


def json_depth(body: bytes, limit: int = MAX_JSON_DEPTH) -> int:
    """The deepest nesting of arrays and objects in a JSON text, read without recursion and
    without parsing (brackets inside strings do not count); stops counting past ``limit``."""
    depth = deepest = 0
    for match in _JSON_SCAN.finditer(body):
        token = match.group()
        if token in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
            if deepest > limit:
                return deepest
        elif token in (b"]", b"}"):
            depth -= 1
    return deepest


def guard_requests(server, max_bytes: int = MAX_REQUEST_BYTES, max_depth: int = MAX_JSON_DEPTH) -> None:
    """Refuse, before Dash reads them, request bodies larger than ``max_bytes`` (413) or with
    unknown length (411), and JSON nested deeper than ``max_depth`` (400)."""
    # import here: flask comes with dash, which costs 0.25 s after import parktwin (measured); only the dashboard needs it
    from flask import request

    @server.before_request
    def refuse_oversized():
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return None
        length = request.content_length
        if length is None:
            return ("a request body needs a Content-Length", 411)
        if length > max_bytes:
            return (f"request body over {max_bytes} bytes", 413)
        if json_depth(request.get_data(cache=True), max_depth) > max_depth:
            return (f"request JSON nested deeper than {max_depth}", 400)
        return None


# -- the app -----------------------------------------------------------------------------------------
WORKSHOP_FIGURES = WORKSHOP  # the default figure set (viz.figure_sets); ``--figures all`` shows every figure


def tab_groups(specs: list[FigureSpec]) -> list[tuple[str, dict[str, str], list[FigureSpec]]]:
    """The figures in tabs: the run report's groups (viz.report.GROUPS) that hold any of ``specs``."""
    by_group: dict[str, list[FigureSpec]] = {}
    for spec in specs:
        by_group.setdefault(group_of(spec.key), []).append(spec)
    return [(group, title, by_group[group]) for group, title, _ in GROUPS if group in by_group]


def create_app(scenario: str | Path = DEFAULT_SCENARIO, lang: str = "en", seed: int = 0,
               scenarios: list[str] | None = None, keys: list[str] | tuple[str, ...] | None = WORKSHOP_FIGURES,
               sliders: tuple[Slider, ...] = SLIDERS, park: str | Path | None = None,
               lever_warnings: LeverWarnings | None = override_warnings):
    """The Dash app, not started (``app.run(...)``, or ``serve``). Runs the scenario once to fill the
    page. ``scenarios``: the files offered (default ``scenarios/*.yaml`` and ``scenario``), each
    by an id (``scenario_ids``); ``keys``: the registered figures to show (default
    ``WORKSHOP_FIGURES``; None: all), in tabs of which only the one on screen is built;
    ``park``: another park file for every scenario (``--park``); ``lever_warnings``: a function
    naming overrides that cannot change what they appear to, shown above the charts."""
    # import here: dash costs 0.25 s after import parktwin (measured); only the dashboard needs it
    import dash

    # import here: dash costs 0.25 s after import parktwin (measured); only the dashboard needs it
    from dash import Input, Output, dcc, html, no_update

    if lang not in TEXT:
        raise ValueError(f"lang must be one of {sorted(TEXT)}")
    words = TEXT[lang]
    park = _display(Path(park)) if park else None
    path = _display(Path(scenario))
    files = scenarios if scenarios is not None else scenario_files(path)
    files = [_display(Path(f)) for f in files]
    if path not in files:
        files = [path, *files]
    choices = scenario_ids(files)
    first_id = next(i for i, f in choices.items() if f == path)
    specs = [s for s in registered() if keys is None or s.key in keys]
    tabs = tab_groups(specs)
    tab_specs = {group: members for group, _, members in tabs}
    first_tab = tabs[0][0] if tabs else ""
    first = compute(path, {}, lang, seed, tab_specs.get(first_tab, []), sliders, park, lever_warnings)  # raises InputError on bad input
    doc = base_scenario(path, park).document

    def kpi_cards(kpis: list[tuple[str, str]]) -> list:
        return [html.Div([html.B(v), html.Span(k)], className="kpi") for v, k in kpis]

    def status(update: Update, scenario_path: str) -> list:
        if not update.overrides:
            return [f"{words['overrides']}: {words['none']} · {words['update_time'].format(s=update.callback_s)}"]
        command = ["parktwin", "run", scenario_path, *(["--park", park] if park else []),
                   *(a for o in update.overrides for a in ("--set", o))]
        return [f"{words['overrides']}: ", html.Code(", ".join(update.overrides)),
                f" · {words['update_time'].format(s=update.callback_s)} · {words['reproduce']}: ", html.Code(shlex.join(command))]

    def lever(s: Slider) -> html.Div:
        active = s.applies(doc)
        return html.Div([
            html.Label(s.label[lang], htmlFor=s.id),
            dcc.Slider(id=s.id, min=s.min, max=s.max, step=s.step, value=s.default(doc), marks=s.mark_labels(),
                       disabled=not active, updatemode="mouseup", tooltip={"placement": "bottom"}),
            html.Div("" if active else words["not_applicable"], id=f"{s.id}-na", className="na"),
        ], className="lever")

    def section(spec: FigureSpec) -> html.Section:
        fig = first.figures.get(spec.key) or _placeholder(lang)
        return html.Section([html.H2(spec.title[lang]), dcc.Graph(id=f"fig-{spec.key}", figure=fig, config={"displaylogo": False})],
                            id=f"sec-{spec.key}")

    app = dash.Dash("parktwin.viz.dashboard", serve_locally=True, title=words["title"], update_title=None,
                    assets_ignore=".*", suppress_callback_exceptions=False)
    guard_requests(app.server)
    app.index_string = INDEX.format(lang="zh-CN" if lang == "zh" else "en", css=CSS, js=INPUT_JS)
    app.layout = html.Div([
        html.Header([html.H1(words["title"]),
                     html.Div(dcc.Dropdown(id="scenario", options=[_option(i, f, park) for i, f in choices.items()],
                                           value=first_id, clearable=False, searchable=False), className="scenario")]),
        html.Div([
            html.Aside([html.H2(words["levers"]), *[lever(s) for s in sliders],
                        html.Button(words["reset"], id="reset", n_clicks=0),
                        html.Div(words["carbon_note"], className="note")]),
            html.Main([
                dcc.Store(id="levers", data=[s.default(doc) for s in sliders]),
                html.Div(kpi_cards(first.kpis), id="kpis", className="kpis"),
                html.Div(status(first, path), id="status", className="status"),
                html.Div([html.P(w) for w in first.warnings], id="warnings", className="warnings"),
                html.Div(id="error", className="error"),
                html.Details([html.Summary(words["summary"]), html.Div([html.P(p) for p in first.summary], id="summary")],
                             className="summary"),
                dcc.Tabs(id="tab", value=first_tab, className="tabs", children=[
                    dcc.Tab(label=title[lang], value=group, children=[section(s) for s in members])
                    for group, title, members in tabs]),
            ]),
        ], className="wrap"),
    ])

    app.clientside_callback(DEBOUNCE_JS, Output("levers", "data"), [Input(s.id, "value") for s in sliders],
                            prevent_initial_call=True)

    def values_of(levers: Any, document: dict) -> dict[str, float] | None:
        """The levers' values by slider id, each a finite number in its slider's range (or the
        scenario's own value, which may lie outside it); else None."""
        if not isinstance(levers, list) or len(levers) != len(sliders):
            return None
        out = {}
        for s, v in zip(sliders, levers):
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
                return None
            if not (s.min <= v <= s.max or close(float(v), s.default(document))):
                return None
            out[s.id] = float(v)
        return out

    figure_outputs = [Output(f"fig-{s.key}", "figure") for s in specs]
    page_outputs = [Output("summary", "children"), Output("kpis", "children"), Output("status", "children"),
                    Output("warnings", "children"), Output("error", "children")]

    @app.callback(figure_outputs + page_outputs, [Input("scenario", "value"), Input("levers", "data"), Input("tab", "value")],
                  prevent_initial_call=True)
    def update_charts(scenario_id: Any, levers: Any, tab: Any):
        """A run of the scenario with the levers' overrides (or the kept run, when only the tab
        changed); builds the figures of the tab on screen, leaves the other tabs as they are."""
        keep = [no_update] * len(specs)
        scenario_path = choices.get(scenario_id) if isinstance(scenario_id, str) else None
        if scenario_path is None:
            return keep + [no_update] * 4 + [words["unknown_scenario"]]
        shown = tab_specs.get(tab, []) if isinstance(tab, str) else []
        try:
            values = values_of(levers, base_scenario(scenario_path, park).document)
            if values is None:
                return keep + [no_update] * 4 + [words["bad_value"]]
            update = compute(scenario_path, values, lang, seed, shown, sliders, park, lever_warnings)
        except InputError as exc:
            return keep + [no_update] * 4 + [f"{words['error']}\n{exc.describe()}"]
        figures = [(update.figures.get(s.key) or _placeholder(lang)) if s.key in update.figures else no_update for s in specs]
        return figures + [[html.P(p) for p in update.summary], kpi_cards(update.kpis), status(update, scenario_path),
                          [html.P(w) for w in update.warnings], ""]

    @app.callback(
        [Output(s.id, "value") for s in sliders] + [Output(s.id, "disabled") for s in sliders]
        + [Output(f"{s.id}-na", "children") for s in sliders],
        [Input("scenario", "value"), Input("reset", "n_clicks")],
        prevent_initial_call=True,
    )
    def reset_sliders(scenario_id: Any, _clicks: Any):
        scenario_path = choices.get(scenario_id) if isinstance(scenario_id, str) else None
        if scenario_path is None:
            return [no_update] * (3 * len(sliders))
        try:
            document = base_scenario(scenario_path, park).document
        except InputError:
            return [no_update] * (3 * len(sliders))
        active = [s.applies(document) for s in sliders]
        return ([s.default(document) for s in sliders] + [not a for a in active]
                + ["" if a else words["not_applicable"] for a in active])

    app.update_charts = update_charts  # the callbacks as plain functions, for tests and notebooks
    app.reset_sliders = reset_sliders
    app.first_update = first
    app.scenario_ids = dict(choices)
    app.tabs = {group: [s.key for s in members] for group, members in tab_specs.items()}
    return app


# -- serving ----------------------------------------------------------------------------------------
class BackgroundServer:
    """The app on a loopback port in a daemon thread (tests, notebooks); ``stop()`` shuts it down."""

    def __init__(self, app, host: str = "127.0.0.1", port: int = 0):
        # import here: werkzeug.serving costs 0.055 s after import parktwin (measured); only the dashboard's server needs it
        from werkzeug.serving import WSGIRequestHandler, make_server

        class Quiet(WSGIRequestHandler):
            def log_request(self, *args, **kwargs) -> None:  # no line per request on the console
                pass

        self._server = make_server(host, port, app.server, threaded=True, request_handler=Quiet)
        self.host, self.port = host, self._server.server_port
        self.url = f"http://{host}:{self.port}/"
        self._thread = threading.Thread(target=self._server.serve_forever, name="parktwin-dashboard", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def __enter__(self) -> "BackgroundServer":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def serve(scenario: str | Path = DEFAULT_SCENARIO, host: str = "127.0.0.1", port: int = 8050, lang: str = "en",
          seed: int = 0, keys: list[str] | tuple[str, ...] | None = WORKSHOP_FIGURES, park: str | Path | None = None,
          scenarios: list[str] | None = None) -> None:
    """Build the app and serve it until interrupted (``parktwin serve``). ``scenarios``: the only
    files offered (default ``scenario`` and ``scenarios/*.yaml``)."""
    print(f"parktwin dashboard: running {scenario} once to fill the page ...", flush=True)
    app = create_app(scenario, lang=lang, seed=seed, keys=keys, park=park, scenarios=scenarios)
    note = exposure_note(host, port, list(app.scenario_ids.values()), park)
    if note:
        print(note, file=sys.stderr, flush=True)
    print(f"parktwin dashboard: open http://{host}:{port}/ in a browser (Ctrl+C to stop)", flush=True)
    app.run(host=host, port=port, debug=False)

"""The written summary at the top of the run report: a few paragraphs in plain English or Chinese,
every number taken from the run's tables.

``summary_facts(results)`` gathers the numbers (exact, in the tables' units); ``summary_html``
writes them into sentences, rounded for people (``display``). Each number on the page is a
``<span class="num" data-key=… data-value=…>`` holding the exact value beside the rounded text,
so a reader (or a test) can trace it to the table, and both languages carry the same spans.
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass

import pandas as pd

from parktwin.accounting.phases import PHASES
from parktwin.accounting.stages import STAGES, stage_status
from parktwin.results.milestones import review_checks
from parktwin.results.tables import Results
from parktwin.viz.figures import investment_group
from parktwin.viz.flows import STEPS, waterfall_steps
from parktwin.viz.labels import t

SIG_FIGURES = 3  # tonnes and money are shown to three significant figures

SUMMARY_TEXT: dict[str, dict[str, str]] = {
    "heading": {"en": "Summary", "zh": "摘要"},
    "net_fall": {"en": "Net emissions (scope 1 emitted + scope 2 market-based − removals (green space, direct air capture) − offsets) fall from {net0} in {y0} to {net1} in {y1}, {change} lower.",
                 "zh": "净排放（范围一实际排放＋范围二基于市场－碳汇（绿地、直接空气捕集）－碳抵消）由{y0}年的{net0}降至{y1}年的{net1}，下降{change}。"},
    "net_rise": {"en": "Net emissions (scope 1 emitted + scope 2 market-based − removals (green space, direct air capture) − offsets) rise from {net0} in {y0} to {net1} in {y1}, {change} higher.",
                 "zh": "净排放（范围一实际排放＋范围二基于市场－碳汇（绿地、直接空气捕集）－碳抵消）由{y0}年的{net0}升至{y1}年的{net1}，上升{change}。"},
    "captured": {"en": "In {y1} firms capture {captured} of process CO₂: {stored} go to permanent storage and are not emitted (they are out of scope 1, not counted as a removal), {used} go into short-lived products and still count as emitted.",
                 "zh": "{y1}年企业捕集工业过程CO₂ {captured}：其中{stored}永久封存、未排放（已从范围一扣除，不计为碳汇），{used}用于短寿命产品、仍计为排放。"},
    "net_zero": {"en": "The park first reaches net zero in {year}.", "zh": "园区于{year}年首次实现净零排放。"},
    "net_gap": {"en": "It does not reach net zero by {y1}; closing the gap takes {gap} a year less.",
                "zh": "至{y1}年仍未实现净零排放，距净零尚差每年{gap}。"},
    "steps": {"en": "The largest steps from {y0} to {y1} (the waterfall chart: LMDI decomposition of energy CO₂, then process, capture and storage, removals, offsets) are: {items}.",
              "zh": "{y0}—{y1}年净排放变化中（见分解瀑布图：能源CO₂的LMDI分解及工业过程、碳捕集封存、碳汇、抵消）影响最大的是：{items}。"},
    "core_met": {"en": "The zero-carbon park's core indicator, CO₂ per unit of energy use (单位能耗碳排放), goes from {c0} in {y0} to {c1} in {y1} against a threshold of ≤ {thr}; it is first met in {year}.",
                 "zh": "零碳园区核心指标单位能耗碳排放由{y0}年的{c0}变为{y1}年的{c1}（阈值 ≤ {thr}），{year}年首次达标。"},
    "core_never": {"en": "The zero-carbon park's core indicator, CO₂ per unit of energy use (单位能耗碳排放), goes from {c0} in {y0} to {c1} in {y1} against a threshold of ≤ {thr}; it is not met by {y1}.",
                   "zh": "零碳园区核心指标单位能耗碳排放由{y0}年的{c0}变为{y1}年的{c1}（阈值 ≤ {thr}），至{y1}年仍未达标。"},
    "clean": {"en": "The clean-energy share of energy use (清洁能源消费占比) goes from {s0} to {s1} (guiding value ≥ {thr}).",
              "zh": "清洁能源消费占比由{s0}变为{s1}（引导值 ≥ {thr}）。"},
    "stages_first": {"en": "Stages first reached: {items}.", "zh": "各阶段首次达到的年份：{items}。"},
    "stage_year": {"en": "{stage} in {year}", "zh": "{stage}{year}年"},
    "stage_not": {"en": "{stage} not reached", "zh": "{stage}未达到"},
    "stage_end": {"en": "In {y1} the park stands at the {stage} stage.", "zh": "{y1}年园区处于{stage}阶段。"},
    "stage_end_none": {"en": "In {y1} the park has reached no stage yet.", "zh": "{y1}年园区尚未达到任何阶段。"},
    "stage_top": {"en": "No stage is left above it.", "zh": "已是最高阶段。"},
    "blocks": {"en": "What keeps it from the {stage} in {y1}: {items}.", "zh": "{y1}年制约其达到{stage}的指标：{items}。"},
    "block_item": {"en": "{name} {value} against {op} {thr}", "zh": "{name}{value}（要求 {op} {thr}）"},
    "block_missing": {"en": "{name} not assessed ({reason})", "zh": "{name}未评估（{reason}）"},
    "stage_status": {"en": "Each stage on its own indicators in {y1}: {items}.", "zh": "{y1}年各阶段自身指标：{items}。"},
    "stage_count": {"en": "{stage} {assessed} of {n} indicators assessed, {met} met", "zh": "{stage}共{n}项指标，评估{assessed}项，达标{met}项"},
    "stage_own_met": {"en": " (its own indicators pass)", "zh": "（自身指标均达标）"},
    "stage_own_blocked": {"en": " (blocked by {items})", "zh": "（受制于{items}）"},
    "ladder": {"en": "Stages are a ladder: the {stage}'s own indicators pass, but a stage counts as reached only when every stage below it is reached too.",
               "zh": "各阶段逐级认定：{stage}自身指标均达标，但须其下各阶段均已达到才计为达到。"},
    "green_scoring": {"en": "The green park evaluation (MIIT 绿色园区评价要求) scores a park's indicators against their leading values (引领值); those values and the score needed were not found, so only its basic requirement (carbon intensity not rising) is assessed.",
                      "zh": "绿色园区评价（工信部《绿色园区评价要求》）按各指标相对引领值计分；引领值及所需分数未查到，故仅评估其基本要求（碳排放强度持续下降）。"},
    "zc_intensity": {"en": "The national zero-carbon park standard (发改环资〔2025〕910号) is an intensity threshold, CO₂ per unit of energy use ≤ {thr}, not net zero: a zero-carbon park may still emit, and its net emissions are reported beside it.",
                     "zh": "国家零碳园区标准（发改环资〔2025〕910号）是强度门槛（单位能耗碳排放 ≤ {thr}），并非净零：零碳园区仍可有排放，净排放另行报告。"},
    "targets": {"en": "Of the roadmap's {n} phase targets, {m} are met.", "zh": "路线图各阶段共设{n}项目标，达成{m}项。"},
    "targets_missed": {"en": "Missed: {items}.", "zh": "未达成：{items}。"},
    "targets_missed_last": {"en": "{k} are missed; the latest {n}: {items}.", "zh": "未达成{k}项，其中最近{n}项：{items}。"},
    "target_item": {"en": "{name} in {year} ({phase}): {value} against {op} {thr}",
                    "zh": "{year}年（{phase}）{name}为{value}（目标 {op} {thr}）"},
    "no_targets": {"en": "The scenario sets no phase targets (review_targets).", "zh": "本情景未设阶段目标（review_targets）。"},
    "cost": {"en": "The pathway's system cost is {npv} (net present value discounted at {rate}, in CNY of {y0}, residual value credited).",
             "zh": "路径系统成本现值为{npv}（折现率{rate}，{y0}年价，扣除期末残值）。"},
    "private": {"en": "Seen by the parties themselves (each at its own discount rate, with its financing), the pathway costs {private}; they borrow {debt} over the years, with at most {peak} owed (in {year}).",
                "zh": "按各主体自身折现率及融资方式计，路径成本现值为{private}；期间新增贷款共{debt}，{year}年负债余额最高，达{peak}。"},
    "private_no_debt": {"en": "Seen by the parties themselves (each at its own discount rate, with its financing), the pathway costs {private}; they borrow nothing.",
                        "zh": "按各主体自身折现率及融资方式计，路径成本现值为{private}；期间无新增贷款。"},
    "capex": {"en": "Capital spending in the years of the roadmap's phases, booked in the year each project commissions (undiscounted, discounted at {rate} in brackets): {items}.",
              "zh": "按路线图各阶段年份统计的投资（计入项目投运当年；未折现，括号内为按{rate}折现值）：{items}。"},
    "capex_no_roadmap": {"en": "This scenario has no roadmap: its spending is the operator's own rules, firms' and exchanges' decisions and the renewal of worn-out equipment; the phases only name the years.",
                         "zh": "本情景无路线图：投资来自运营方规则、企业与共生交换的决策及设备到期更新；阶段仅指年份区间。"},
    "capex_item": {"en": "{phase} ({years}): {value} ({discounted}; {groups})", "zh": "{phase}（{years}）：{value}（{discounted}；{groups}）"},
    "capex_group": {"en": "{group} {value}", "zh": "{group}{value}"},
    "step_item": {"en": "{name} ({value})", "zh": "{name}（{value}）"},
    "phase_name": {"en": "phase {n}, {name}", "zh": "第{n}阶段·{name}"},
    "capex_top": {"en": "The largest group of investments is {group} with {value}.", "zh": "投资最多的是{group}，共{value}。"},
    "sep": {"en": "; ", "zh": "；"},
    "list_sep": {"en": ", ", "zh": "，"},
    "phase0": {"en": "base year", "zh": "基准年"},
}

REVIEW_LABELS = {
    "net_tco2": {"en": "net emissions", "zh": "净排放"},
    "core_indicator_tco2_per_tce": {"en": "core indicator", "zh": "单位能耗碳排放"},
    "clean_energy_share": {"en": "clean-energy share", "zh": "清洁能源消费占比"},
    "renewable_share": {"en": "renewable share", "zh": "可再生能源使用比例"},
}
REVIEW_KINDS = {"net_tco2": "tco2", "core_indicator_tco2_per_tce": "core", "clean_energy_share": "share", "renewable_share": "share"}
UNIT_KINDS = {"share": "share", "tCO2/tce": "core", "tCO2": "tco2", "count": "count"}


def _w(key: str, lang: str) -> str:
    return SUMMARY_TEXT[key][lang]


# -- rounding for people ---------------------------------------------------------------------------
def round_sig(value: float, digits: int = SIG_FIGURES) -> float:
    """``value`` rounded to ``digits`` significant figures."""
    if value == 0 or not math.isfinite(value):
        return value
    return round(value, digits - 1 - int(math.floor(math.log10(abs(value)))))


def _sig(value: float, digits: int = SIG_FIGURES) -> str:
    """``value`` to ``digits`` significant figures, thousands separated, no exponent."""
    r = round_sig(value, digits)
    if r == 0:
        return "0"
    decimals = max(0, digits - 1 - int(math.floor(math.log10(abs(r)))))
    return f"{r:,.{decimals}f}"


def display(value: float, kind: str, lang: str) -> str:
    """``value`` (tables' unit) as the summary shows it.

    kinds: ``tco2`` [tCO₂] (``tco2_change``: signed + or −) (en: million above 10⁶; zh: 万 above 10⁴), ``cny`` [CNY] (en: M / bn;
    zh: 万元 / 亿元), ``share`` [0..1] as % with one decimal, ``pct`` [0..1] as a whole %,
    ``core`` [tCO₂/tce] with two decimals, ``ratio`` (3 significant figures), ``count``, ``year``.
    """
    minus = "−" if value < 0 else ""
    if kind == "tco2_change":  # a change: signed both ways
        kind, minus = "tco2", ("−" if value < 0 else "+" if value > 0 else "")
    a = abs(value)
    if kind == "tco2":
        if lang == "zh":
            return f"{minus}{_sig(a / 1e4)}万 tCO₂" if a >= 1e4 else f"{minus}{_sig(a)} tCO₂"
        return f"{minus}{_sig(a / 1e6)} million tCO₂" if a >= 1e6 else f"{minus}{_sig(a)} tCO₂"
    if kind == "cny":
        if lang == "zh":
            return f"{minus}{_sig(a / 1e8)} 亿元" if a >= 1e8 else f"{minus}{_sig(a / 1e4)} 万元"
        return f"{minus}{_sig(a / 1e9)} bn CNY" if a >= 1e9 else f"{minus}{_sig(a / 1e6)} M CNY"
    if kind == "share":
        return f"{minus}{a * 100:.1f}%"
    if kind == "pct":
        return f"{minus}{a * 100:.0f}%"
    if kind == "core":
        return f"{minus}{a:.2f} tCO₂/tce"
    if kind in ("count", "year"):
        return f"{value:.0f}"
    return f"{minus}{_sig(a)}"


# -- the numbers -----------------------------------------------------------------------------------
@dataclass
class Facts:
    """The summary's numbers, exact, from the run's tables (units as in the tables)."""

    y0: int
    y1: int
    net0_tco2: float
    net1_tco2: float
    net_zero_year: int | None
    steps_tco2: list[tuple[str, float]]  # the largest LMDI waterfall steps, largest first
    core0: float
    core1: float
    core_threshold: float
    core_year: int | None
    clean0_share: float
    clean1_share: float
    clean_threshold_share: float | None
    stage_first_year: dict[str, int | None]
    stage_end: str
    next_stage: str | None
    blocking: list[dict]  # rows of the assessment: indicator, name_en, name_zh, unit, value, threshold, direction, status, reason
    stage_status: list[dict]  # per stage in the last year: stage, indicators, assessed, met, own_met, blocking (assessment rows)
    targets: list[dict]  # rows of the reviews table, with the phase of their year
    npv_cny: float
    discount_rate: float
    capex_by_phase_cny: dict[int, float]
    capex_by_phase_discounted_cny: dict[int, float] = None  # at the social discount rate, to the base year
    capex_phase_groups: dict[int, list[tuple[str, float]]] = None  # per phase: (measure family label key, capex), largest first
    phase_years: dict[int, tuple[int, int]] = None  # first and last year of each phase in the run
    has_roadmap: bool = True
    top_group: tuple[str, float] | None = None  # (label key of the measure family, capex [CNY])
    captured_tco2: float = 0.0  # in the last year: captured in all (annual captured_tco2)
    captured_stored_tco2: float = 0.0  # of which to permanent storage (out of scope 1)
    private_npv_cny: float | None = None  # the parties' own view (Results.private_npv_cny); None without cash flows
    new_debt_cny: float = 0.0  # Σ new debt over the run, all instruments (the financing table)
    peak_debt_cny: float = 0.0  # the largest debt outstanding at a year's end
    peak_debt_year: int | None = None


N_STEPS = 3
N_GROUPS = 2  # measure families named per phase in the summary's capital spending
N_MISSED = 4  # missed phase targets named in the summary (the latest); the PDCA figure shows every one
TAG = re.compile(r"<[^>]+>")


def _has_roadmap(results: Results) -> bool:
    """True when any of the run's projects came from the scenario's roadmap (events with origin "roadmap")."""
    ev = results.events
    return ev is None or "origin" not in ev.columns or bool((ev["origin"] == "roadmap").any())


def summary_facts(results: Results) -> Facts:
    """Every number of the summary, read from ``results``' tables."""

    a = results.annual
    first, last = a.iloc[0], a.iloc[-1]
    y0, y1 = int(first["year"]), int(last["year"])
    steps: list[tuple[str, float]] = []
    if len(a) >= 2:
        _, by_step, _ = waterfall_steps(results, y0, y1)
        ranked = sorted((s for s in STEPS if abs(by_step[s]) > 0), key=lambda s: -abs(by_step[s]))
        steps = [(s, float(by_step[s])) for s in ranked[:N_STEPS]]
    assessment = results.assessment()
    clean_rows = assessment[(assessment["indicator"] == "zc_clean_energy_share") & (assessment["year"] == y1)]
    clean_thr = float(clean_rows["threshold"].iloc[0]) if len(clean_rows) and pd.notna(clean_rows["threshold"].iloc[0]) else None
    st = results.stage_table()
    first_year = {}
    for stage in STAGES:
        level = STAGES.index(stage)
        hit = st.loc[st["stage_reached"].map(lambda s: s in STAGES and STAGES.index(s) >= level), "year"]
        first_year[stage] = int(hit.iloc[0]) if len(hit) else None
    end = st.iloc[-1]
    # None at the top; a run read back from Parquet holds NaN there
    next_stage = end["next_stage"] if isinstance(end["next_stage"], str) and end["next_stage"] else None
    blocking = []
    if next_stage is not None:
        ids = [b.split(" (", 1)[0] for b in end["blocking"]]
        rows = assessment[(assessment["year"] == y1) & assessment["indicator"].isin(ids)]
        blocking = rows.to_dict("records")
    status = []
    rows_last = assessment[assessment["year"] == y1].set_index("indicator")
    for row in stage_status(assessment[assessment["year"] == y1]).to_dict("records"):
        ids = [b.split(" (", 1)[0] for b in row["blocking"]]
        row["blocking"] = [dict(rows_last.loc[i], indicator=i) for i in ids]
        status.append(row)
    targets = []
    checks = review_checks(results.reviews)
    if len(checks):
        phase_of_year = a.set_index("year")["phase"]
        for row in checks.to_dict("records"):
            row["phase"] = int(phase_of_year.get(int(row["year"]), -1))
            targets.append(row)
    capex = a.groupby("phase")["capex_cny"].sum()
    capex_by_phase = {int(p): float(v) for p, v in capex.items() if v > 0}
    discounted = (a["capex_cny"] * a["discount_factor"]).groupby(a["phase"]).sum()
    capex_discounted = {p: float(discounted.loc[p]) for p in capex_by_phase}
    phase_years = {int(p): (int(g["year"].min()), int(g["year"].max())) for p, g in a.groupby("phase")}
    phase_groups: dict[int, list[tuple[str, float]]] = {}
    inv = results.investments
    if len(inv):
        phase_of_year = a.set_index("year")["phase"]
        by = inv.assign(phase=inv["year"].map(phase_of_year), group=inv["technology"].map(lambda tech: investment_group(str(tech))[0]))
        for p, g in by.groupby("phase"):
            sums = g.groupby("group")["capex_cny"].sum().sort_values(ascending=False)
            phase_groups[int(p)] = [(str(k), float(v)) for k, v in sums.items() if v > 0][:N_GROUPS]
    top = None
    inv = results.investments
    if len(inv):
        groups = inv.groupby(inv["technology"].map(lambda tech: investment_group(str(tech))[0]))["capex_cny"].sum()
        if groups.max() > 0:
            top = (str(groups.idxmax()), float(groups.max()))
    private = float(results.private_npv_cny()) if len(results.cashflows) else None
    new_debt, peak_debt, peak_year = 0.0, 0.0, None
    fin = results.financing
    if fin is not None and len(fin):
        by_year = fin.groupby("year")[["new_debt_cny", "debt_outstanding_cny"]].sum()
        new_debt = float(by_year["new_debt_cny"].sum())
        if by_year["debt_outstanding_cny"].max() > 0:
            peak_debt, peak_year = float(by_year["debt_outstanding_cny"].max()), int(by_year["debt_outstanding_cny"].idxmax())
    return Facts(
        y0=y0, y1=y1, net0_tco2=float(first["net_tco2"]), net1_tco2=float(last["net_tco2"]),
        net_zero_year=results.first_year_where(a["net_tco2"] <= 0), steps_tco2=steps,
        core0=float(first["core_indicator_tco2_per_tce"]), core1=float(last["core_indicator_tco2_per_tce"]),
        core_threshold=float(last["core_threshold_tco2_per_tce"]), core_year=results.first_year("core_met"),
        clean0_share=float(first["clean_energy_share"]), clean1_share=float(last["clean_energy_share"]),
        clean_threshold_share=clean_thr, stage_first_year=first_year, stage_end=str(end["stage_reached"]),
        next_stage=next_stage, blocking=blocking, stage_status=status, targets=targets,
        npv_cny=float(results.pathway_cost_npv_cny()), discount_rate=float(results.manifest["social_discount_rate"]),
        capex_by_phase_cny=capex_by_phase, top_group=top, capex_by_phase_discounted_cny=capex_discounted,
        capex_phase_groups=phase_groups, phase_years=phase_years, has_roadmap=_has_roadmap(results),
        captured_tco2=float(last.get("captured_tco2", 0.0)), captured_stored_tco2=float(last.get("captured_stored_tco2", 0.0)),
        private_npv_cny=private, new_debt_cny=new_debt, peak_debt_cny=peak_debt, peak_debt_year=peak_year,
    )


# -- the words -------------------------------------------------------------------------------------
def num(key: str, value: float, kind: str, lang: str) -> str:
    """One number on the page: the rounded text, the exact value in ``data-value``."""
    return (f'<span class="num" data-key="{html.escape(key)}" data-kind="{kind}" data-value="{float(value)!r}">'
            f"{html.escape(display(value, kind, lang))}</span>")


ZH_NUMBERS = "〇一二三四五六七八九"


def _phase_name(number: int, lang: str) -> str:
    """"phase 3, deep decarbonisation" / "第三阶段·深度脱碳攻坚" (accounting.phases)."""
    if number <= 0:
        return _w("phase0", lang)
    phase = next(p for p in PHASES if p.number == number)
    n = ZH_NUMBERS[number] if lang == "zh" and number < len(ZH_NUMBERS) else str(number)
    return _w("phase_name", lang).format(n=n, name=phase.name_zh if lang == "zh" else phase.name_en)


def _op(direction: str) -> str:
    return "≤" if direction == "max" else "≥"


def _group_label(group: str, lang: str) -> str:
    """A measure family's label without its "Investment:" prefix (viz.figures.investment_group)."""
    return t(group, lang).split(":", 1)[-1].split("：", 1)[-1].strip()


def _block_items(rows: list[dict], lang: str, prefix: str) -> list[str]:
    """Blocking indicators as words: "name value against ≥ threshold", or "name not assessed (reason)"."""
    out = []
    for row in rows:
        name = html.escape(str(row["name_zh"] if lang == "zh" else row["name_en"]))
        if row["status"] == "not_assessed":
            out.append(_w("block_missing", lang).format(name=name, reason=html.escape(str(row["reason"]))))
            continue
        kind = UNIT_KINDS.get(str(row["unit"]), "ratio")
        unit = "" if kind in ("share", "core", "tco2") else f" {html.escape(str(row['unit']))}"
        key = f"{prefix}_{row['indicator']}"
        out.append(_w("block_item", lang).format(
            name=name, value=num(key, row["value"], kind, lang) + unit, op=_op(row["direction"]),
            thr=num(f"{key}_threshold", row["threshold"], "pct" if kind == "share" else kind, lang) + unit))
    return out


def summary_paragraphs(results: Results, lang: str = "en", facts: Facts | None = None) -> list[str]:
    """The summary as HTML paragraphs (no enclosing tags), numbers as ``num`` spans."""
    f = facts or summary_facts(results)
    y0, y1 = f.y0, f.y1
    yr = lambda key, y: num(key, y, "year", lang)  # noqa: E731
    out = []

    # 1 net emissions, net zero, the waterfall's largest steps
    change = (f.net0_tco2 - f.net1_tco2) / f.net0_tco2 if f.net0_tco2 > 0 else float("nan")
    words = [_w("net_fall" if f.net1_tco2 <= f.net0_tco2 else "net_rise", lang).format(
        net0=num("net_first_tco2", f.net0_tco2, "tco2", lang), net1=num("net_last_tco2", f.net1_tco2, "tco2", lang),
        y0=yr("first_year", y0), y1=yr("last_year", y1),
        change=num("net_change_share", abs(change), "pct", lang) if math.isfinite(change) else "—")]
    if f.net_zero_year is not None:
        words.append(_w("net_zero", lang).format(year=yr("net_zero_year", f.net_zero_year)))
    else:
        words.append(_w("net_gap", lang).format(y1=y1, gap=num("net_gap_tco2", f.net1_tco2, "tco2", lang)))
    if f.steps_tco2:
        items = [_w("step_item", lang).format(name=html.escape(t(f"step_{s}", lang)), value=num(f"step_{s}_tco2", v, "tco2_change", lang))
                 for s, v in f.steps_tco2]
        words.append(_w("steps", lang).format(y0=y0, y1=y1, items=_w("list_sep", lang).join(items)))
    if f.captured_tco2 > 0:
        words.append(_w("captured", lang).format(
            y1=y1, captured=num("captured_tco2", f.captured_tco2, "tco2", lang),
            stored=num("captured_stored_tco2", f.captured_stored_tco2, "tco2", lang),
            used=num("captured_used_tco2", f.captured_tco2 - f.captured_stored_tco2, "tco2", lang)))
    out.append(" ".join(words) if lang == "en" else "".join(words))

    # 2 the core indicator and the clean-energy share
    core_key = "core_met" if f.core_year is not None else "core_never"
    words = [_w(core_key, lang).format(
        c0=num("core_first", f.core0, "core", lang), c1=num("core_last", f.core1, "core", lang), y0=y0, y1=y1,
        thr=num("core_threshold", f.core_threshold, "core", lang),
        year=yr("core_year", f.core_year) if f.core_year is not None else "")]
    if f.clean_threshold_share is not None:
        words.append(_w("clean", lang).format(
            s0=num("clean_first_share", f.clean0_share, "share", lang), s1=num("clean_last_share", f.clean1_share, "share", lang),
            thr=num("clean_threshold_share", f.clean_threshold_share, "pct", lang)))  # thresholds are whole percents
    out.append(" ".join(words) if lang == "en" else "".join(words))

    # 3 stages: when each is first reached, where the park ends, what blocks the next
    items = []
    for stage, year in f.stage_first_year.items():
        name = html.escape(t(f"stage_{stage}", lang))
        items.append(_w("stage_year", lang).format(stage=name, year=yr(f"stage_{stage}_year", year)) if year is not None
                     else _w("stage_not", lang).format(stage=name))
    words = [_w("stages_first", lang).format(items=_w("list_sep", lang).join(items))]
    if f.stage_end == "none":
        words.append(_w("stage_end_none", lang).format(y1=y1))
    else:
        words.append(_w("stage_end", lang).format(y1=y1, stage=html.escape(t(f"stage_{f.stage_end}", lang).lower() if lang == "en" else t(f"stage_{f.stage_end}", lang))))
    if f.next_stage is None:
        words.append(_w("stage_top", lang))
    else:
        stage = t(f"stage_{f.next_stage}", lang)
        words.append(_w("blocks", lang).format(y1=y1, stage=html.escape(stage.lower() if lang == "en" else stage),
                                                items=_w("sep", lang).join(_block_items(f.blocking, lang, "block"))))
    items = []
    for row in f.stage_status:
        name = html.escape(t(f"stage_{row['stage']}", lang))
        text = _w("stage_count", lang).format(stage=name + (":" if lang == "en" else ""), n=num(f"stage_{row['stage']}_indicators", row["indicators"], "count", lang),
                                              assessed=num(f"stage_{row['stage']}_assessed", row["assessed"], "count", lang),
                                              met=num(f"stage_{row['stage']}_met", row["met"], "count", lang))
        if row["own_met"]:
            text += _w("stage_own_met", lang)
        else:
            text += _w("stage_own_blocked", lang).format(items=_w("list_sep", lang).join(_block_items(row["blocking"], lang, f"own_{row['stage']}")))
        items.append(text)
    if items:
        words.append(_w("stage_status", lang).format(y1=y1, items=_w("sep", lang).join(items)))
    order = ("none",) + tuple(r["stage"] for r in f.stage_status)
    above = [r for r in f.stage_status if r["own_met"] and order.index(r["stage"]) > order.index(f.stage_end)]
    if above:
        stage = t(f"stage_{above[-1]['stage']}", lang)
        words.append(_w("ladder", lang).format(stage=html.escape(stage.lower() if lang == "en" else stage)))
    words.append(_w("green_scoring", lang))
    words.append(_w("zc_intensity", lang).format(thr=num("core_threshold_stage", f.core_threshold, "core", lang)))
    out.append(" ".join(words) if lang == "en" else "".join(words))

    # 4 the roadmap's phase targets
    if not f.targets:
        out.append(_w("no_targets", lang))
    else:
        met = sum(bool(r["met"]) for r in f.targets)
        words = [_w("targets", lang).format(n=num("targets_n", len(f.targets), "count", lang), m=num("targets_met", met, "count", lang))]
        missed = []
        not_met = [r for r in f.targets if not r["met"]]
        for r in not_met[-N_MISSED:]:  # the latest: where the pathway stands at the end
            kind = REVIEW_KINDS.get(r["indicator"], "ratio")
            key = f"missed_{r['indicator']}_{r['year']}"
            missed.append(_w("target_item", lang).format(
                name=html.escape(REVIEW_LABELS.get(r["indicator"], {}).get(lang, r["indicator"])), year=r["year"],
                phase=html.escape(_phase_name(r["phase"], lang)), value=num(key, r["value"], kind, lang), op=_op(r["direction"]),
                thr=num(f"{key}_target", r["target"], "pct" if kind == "share" else kind, lang)))
        if missed and len(not_met) > len(missed):
            words.append(_w("targets_missed_last", lang).format(n=len(missed), k=num("targets_missed_n", len(not_met), "count", lang),
                                                                items=_w("sep", lang).join(missed)))
        elif missed:
            words.append(_w("targets_missed", lang).format(items=_w("sep", lang).join(missed)))
        out.append(" ".join(words) if lang == "en" else "".join(words))

    # 5 money
    words = [_w("cost", lang).format(npv=num("npv_cny", f.npv_cny, "cny", lang), rate=num("discount_rate", f.discount_rate, "pct", lang), y0=y0)]
    if f.private_npv_cny is not None:
        private = num("private_npv_cny", f.private_npv_cny, "cny", lang)
        if f.new_debt_cny > 0 and f.peak_debt_year is not None:
            words.append(_w("private", lang).format(private=private, debt=num("new_debt_cny", f.new_debt_cny, "cny", lang),
                                                    peak=num("peak_debt_cny", f.peak_debt_cny, "cny", lang),
                                                    year=yr("peak_debt_year", f.peak_debt_year)))
        else:
            words.append(_w("private_no_debt", lang).format(private=private))
    if f.capex_by_phase_cny:
        items = []
        for p, v in sorted(f.capex_by_phase_cny.items()):
            y_first, y_last = (f.phase_years or {}).get(p, (None, None))
            years = "" if y_first is None else (str(y_first) if y_first == y_last else f"{y_first}–{y_last}")
            groups = [_w("capex_group", lang).format(group=html.escape(_group_label(g, lang)), value=num(f"capex_phase{p}_{g}_cny", c, "cny", lang))
                      for g, c in (f.capex_phase_groups or {}).get(p, [])]
            items.append(_w("capex_item", lang).format(
                phase=html.escape(_phase_name(p, lang)), years=years, value=num(f"capex_phase{p}_cny", v, "cny", lang),
                discounted=num(f"capex_phase{p}_discounted_cny", (f.capex_by_phase_discounted_cny or {}).get(p, float("nan")), "cny", lang),
                groups=_w("list_sep", lang).join(groups)))
        words.append(_w("capex", lang).format(rate=num("capex_discount_rate", f.discount_rate, "pct", lang), items=_w("sep", lang).join(items)))
        if not f.has_roadmap:
            words.append(_w("capex_no_roadmap", lang))
    if f.top_group is not None:
        group, value = f.top_group
        label = _group_label(group, lang)
        words.append(_w("capex_top", lang).format(group=html.escape(label), value=num("top_group_cny", value, "cny", lang)))
    out.append(" ".join(words) if lang == "en" else "".join(words))
    return out


def summary_text(results: Results, lang: str = "en") -> list[str]:
    """The summary's paragraphs as plain text (the dashboard's panel)."""
    return [html.unescape(TAG.sub("", p)) for p in summary_paragraphs(results, lang)]


def summary_html(results: Results, lang: str = "en") -> str:
    """The summary as an HTML ``<section>`` for the top of the report."""
    paras = "".join(f"<p>{p}</p>" for p in summary_paragraphs(results, lang))
    return f'<section id="summary" class="summary"><h2>{_w("heading", lang)}</h2>{paras}</section>'


__all__ = ["Facts", "display", "num", "round_sig", "summary_facts", "summary_html", "summary_paragraphs", "summary_text"]

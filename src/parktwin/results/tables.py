"""``Results``: the tables of one run as pandas DataFrames, and how they are built."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import chain

import numpy as np
import pandas as pd

from parktwin.accounting.inventory import EMISSION_COLUMNS, ENERGY_COLUMNS
from parktwin.accounting.resources import RESOURCE_COLUMNS
from parktwin.accounting.stages import assess_with_stages, stage_reached
from parktwin.agents.exchange import EXCHANGE_COLUMNS
from parktwin.economics.abatement import MACC_COLUMNS, MeasureCost, macc
from parktwin.economics.cashflows import INVESTMENT_FINANCE_COLUMNS, CarbonYear, Financed
from parktwin.economics.costs import Purchase, pathway_npv_cny, residual_value_from_table
from parktwin.frames import YearsBlock, block_frame, coded_strings, empty_frame, frame_from_columns, frame_from_dicts, frame_from_rows, row_columns
from parktwin.kernel.model import RunRecord
from parktwin.spec.calibration import EMISSIONS_READ, ENERGY_READ, BaseYearRows, reconciliation_by_year
from parktwin.kernel.products import PRODUCT_TABLE_COLUMNS
from parktwin.spec.series import QUALITY_COLUMNS

EVENT_COLUMNS = ("year", "hour", "time", "kind", "id", "decided_hour", "detail", "origin")
REVIEW_COLUMNS = ("year", "indicator", "value", "target", "direction", "met", "gap", "action", "detail", "committed_cny")
TABLES = ("annual", "emissions", "energy", "events", "reviews", "hourly", "investments", "indicators", "stages",
          "resources", "exchanges", "data_quality", "reconciliation", "financing", "cashflows", "carbon",
          "cost_of_capital", "measures", "levelised_costs", "products")
RECONCILIATION_COLUMNS = ("year", "scope", "quantity", "unit", "bottom_up", "measured", "difference", "difference_pct")
MEASURE_COLUMNS = ("year", "entity", "project", "measure", "capex_cny", "capex_after_subsidy_cny", "fixed_om_cny_per_yr",
                   "energy_cost_change_cny_per_yr", "abated_tco2_per_yr", "scope1_abated_tco2_per_yr", "lifetime_yr",
                   "npv_at_hurdle_cny", "origin")
CARBON_COLUMNS = CarbonYear._fields  # year, entity, sector, covered, scope1_tco2, allocation_tco2, value_added_mcny, bank_tco2,
# allocation_basis, payment_cny


@dataclass
class Results:
    """Tidy tables of one run. Units are in the column names (see docs/glossary.md).

    - ``annual``: one row per year: emissions, energy, indicators, money
    - ``emissions``: the inventory, one row per year × entity × scope × method × source,
      with activity, factor and the factor's reference (traceable to data/)
    - ``energy``: energy use per year × entity × carrier, with tce
    - ``events``: commissioning and other timed events
    - ``reviews``: the operator's checks against the scenario's targets (``gap`` > 0: off by) and,
      with escalation rules, the PDCA actions taken (``action``, ``detail``, ``committed_cny``)
    - ``hourly``: the dispatch of the years listed in ``outputs.hourly_years``
    - ``investments``: every capacity bought (and renewed), with capex and fixed O&M, its roadmap
      kind, the instrument that financed it, debt, equity and the subsidy received
    - ``financing``: per year and instrument: capex, new debt, equity, debt service, interest,
      debt outstanding (economics.cashflows)
    - ``cashflows``: the private view per year and party (equity capex, subsidies as income, debt
      service, O&M, energy, carbon), discounted at the party's own rate (``pv_cny``)
    - ``carbon``: each firm's carbon position per year under the scenario's policy (covered,
      scope-1 CO₂, free allowances, allowances banked for later years at the year's end, payment,
      and for covered firms under the ETS the allocation basis: value_added, output or verified_emissions)
    - ``products``: each firm's product lines per year: output, unit energy against the national
      limit's grades, CO₂ per unit, exports, and for EU exports of CBAM goods the embedded
      emissions, certificates and cost (accounting.products, economics.cbam)
    - ``cost_of_capital``: each party's cost of equity, debt share and rate, and WACC
    - ``measures``: the measures firms chose themselves (origin ``firm``) and the roadmap's
      measures on firms (origin ``roadmap``), with what the firm expected of each at the year's
      start (capex before and after subsidy, O&M, energy bill change, tCO₂ abated a year by the
      park — scope 1 less the grid CO₂ of added electricity — and by the firm's scope 1, NPV at
      its hurdle) — and the operator's projects (origin ``operator``: PV, wind, waste-heat
      recovery, the roadmap's capture, the last year's green contracts with their tonnes; storage
      and grid with none) — the run's MACC is built from them (``macc``)
    - ``levelised_costs``: levelised cost of on-site PV and wind per year the operator bought
      some, of heat (heat pumps, electric and gas boilers) each year, of stored electricity (the
      battery) and stored heat (the hot-water store) per year bought [CNY/kWh]
      (economics.levelised; ``lcoe()``)
    - ``indicators``: every stage indicator each year against its threshold (met, not met,
      not assessed) and ``stages``: the stage reached each year and what blocks the next —
      both derived from ``annual`` on first use (accounting.stages)
    - ``resources``: water, industrial solid waste and waste heat each year, with what the
      exchanges moved and the indicators (accounting.resources)
    - ``exchanges``: every candidate symbiosis exchange each year: status, what it delivered,
      its fuel, CO₂, water and material effects, both sides' NPV (agents.exchange)
    - ``data_quality``: one row per measured series the park names: file, interval, rows,
      fills, its sum against the park file's annual figure (spec.series)
    - ``reconciliation``: the bottom-up base year against the park's measured totals, per
      quantity, for the park and each measured enterprise (spec.calibration.reconcile); derived
      on first use (``reconciliation_table()``), empty when the park states no totals
    """

    annual: pd.DataFrame
    emissions: pd.DataFrame
    energy: pd.DataFrame
    events: pd.DataFrame
    reviews: pd.DataFrame
    hourly: pd.DataFrame
    investments: pd.DataFrame
    manifest: dict = field(default_factory=dict)
    indicators: pd.DataFrame | None = None
    stages: pd.DataFrame | None = None
    resources: pd.DataFrame = field(default_factory=pd.DataFrame)
    exchanges: pd.DataFrame = field(default_factory=pd.DataFrame)
    data_quality: pd.DataFrame | None = None
    reconciliation: pd.DataFrame | None = None
    measured_totals: object = field(default=None, repr=False)  # the park's spec.calibration.Measured, if any
    base_firm_totals: dict = field(default_factory=dict, repr=False)  # entity → base-year water and waste (reconciliation)
    base_rows: object = field(default=None, repr=False)  # spec.calibration.BaseYearRows of a run (reconciliation; for the energy
    # and emissions tables it was built with, not one replaced since), None when stored
    financing: pd.DataFrame = field(default_factory=pd.DataFrame)
    cashflows: pd.DataFrame = field(default_factory=pd.DataFrame)
    carbon: pd.DataFrame = field(default_factory=pd.DataFrame)
    cost_of_capital: pd.DataFrame = field(default_factory=pd.DataFrame)
    measures: pd.DataFrame = field(default_factory=pd.DataFrame)
    levelised_costs: pd.DataFrame = field(default_factory=pd.DataFrame)
    products: pd.DataFrame = field(default_factory=pd.DataFrame)

    def __post_init__(self) -> None:
        if self.data_quality is None:
            self.data_quality = empty_frame(QUALITY_COLUMNS)
        elif self.data_quality.empty and list(self.data_quality.columns) != list(QUALITY_COLUMNS):
            self.data_quality = pd.DataFrame(self.data_quality, columns=list(QUALITY_COLUMNS))
        if self.reconciliation is not None and self.reconciliation.empty:
            self.reconciliation = None  # derived on first use (a stored run without the table)
        if self.indicators is None or self.indicators.empty or self.stages is None or self.stages.empty:
            self.indicators = self.stages = None  # derived on first use

    def reconciliation_table(self) -> pd.DataFrame:
        """The ``reconciliation`` table (computed once; empty without measured totals)."""
        if self.reconciliation is None:
            if self.measured_totals is None:
                self.reconciliation = empty_frame(RECONCILIATION_COLUMNS)
            else:
                frame = reconciliation_by_year(self, self.measured_totals)
                self.reconciliation = frame if list(frame.columns) == list(RECONCILIATION_COLUMNS) else frame[list(RECONCILIATION_COLUMNS)]
        return self.reconciliation

    def assessment(self) -> pd.DataFrame:
        """The ``indicators`` table (computed once, with the ``stages`` table from the same arrays)."""
        if self.indicators is None:
            self.indicators, self.stages = assess_with_stages(self.annual)
        return self.indicators

    def stage_table(self) -> pd.DataFrame:
        """The ``stages`` table (computed once)."""
        if self.stages is None and self.indicators is None:
            self.assessment()  # both tables at once
        elif self.stages is None:
            self.stages = stage_reached(self.indicators)
        return self.stages

    def tables(self) -> dict[str, pd.DataFrame]:
        self.stage_table()
        self.reconciliation_table()
        return {name: getattr(self, name) for name in TABLES}

    def year(self, year: int) -> pd.Series:
        """The annual row of ``year``."""
        return self.annual.set_index("year").loc[year]

    def pathway_cost_npv_cny(self, rate: float | None = None) -> float:
        """System cost of the pathway, discounted to the base year, net of the residual value of
        the capacity left at the end [CNY]; ``rate`` defaults to the scenario's social discount rate."""
        rate = self.manifest["social_discount_rate"] if rate is None else rate
        return pathway_npv_cny(self.annual["system_cost_cny"].to_numpy(), residual_value_from_table(self.investments, int(self.annual["year"].max())), rate)

    def private_npv_cny(self) -> float:
        """The parties' own cost of the pathway: Σ of their cash flows, each discounted at its own
        rate, with the debt still owed and the residual value at the end (the ``cashflows`` table) [CNY]."""
        return float(self.cashflows["pv_cny"].sum()) if len(self.cashflows) else 0.0

    def macc(self, rate: float | None = None) -> pd.DataFrame:
        """The marginal abatement cost curve of the run's measures on firms (their own and the
        roadmap's) and the operator's assets (economics.asset_abatement), each costed alone at its decision year (capex before subsidy, ``rate`` default the social discount
        rate); empty when firms chose none (economics.abatement.macc)."""

        m = self.measures
        if m is None or m.empty:
            return pd.DataFrame(columns=MACC_COLUMNS)
        rate = self.manifest["social_discount_rate"] if rate is None else rate
        return macc([MeasureCost(r.project, r.capex_cny, r.lifetime_yr, r.fixed_om_cny_per_yr, r.energy_cost_change_cny_per_yr,
                                 r.abated_tco2_per_yr, rate, r.measure) for r in m.itertuples() if r.abated_tco2_per_yr > 0])

    def lcoe(self, output: str | None = None) -> pd.DataFrame:
        """The ``levelised_costs`` table [CNY/kWh] (economics.levelised), or its rows of one ``output``
        ("electricity", "stored_electricity", "heat", "stored_heat")."""
        table = self.levelised_costs
        if output is None or table.empty:
            return table
        return table.loc[table["output"] == output].reset_index(drop=True)

    def first_year(self, column: str) -> int | None:
        """First year in which the boolean ``column`` of ``annual`` is true (None if never)."""
        return self.first_year_where(self.annual[column].astype(bool))

    def first_year_where(self, mask: pd.Series) -> int | None:
        """First year of ``annual`` where ``mask`` (aligned with it) is true (None if never)."""
        hit = self.annual.loc[mask.to_numpy(bool), "year"]
        return int(hit.iloc[0]) if len(hit) else None


def hourly_table(hourly: dict, block: YearsBlock | None = None) -> pd.DataFrame:
    """The ``hourly`` table: the years' arrays one under the other, with ``year`` and ``hour`` first.

    The float64 columns are the run's ``block`` as it is when it holds every year (the run copied
    each year's arrays into it as it recorded them), else copied now into the frame's own float block
    (one row per column, the years side by side); the few other columns (``year``, ``hour``, integer
    ones) joined with numpy and inserted at their places: no per-year frames to concatenate and no
    second copy when pandas gathers the columns into a block. Years whose columns differ fall back
    to pandas' concatenation."""
    years = sorted(hourly)
    if not years:
        return pd.DataFrame(columns=["year", "hour"])
    keys = [list(hourly[y]) for y in years]
    lengths = [len(next(iter(hourly[y].values()))) if hourly[y] else 0 for y in years]
    if block is not None and block.complete() and block.years == years:
        return _years_frame(hourly, years, block.keys, lengths, block.values, block.floats)
    if all(k == keys[0] for k in keys) and keys[0]:
        return _joined_years(hourly, years, keys[0], lengths)
    parts = []
    for year in years:
        frame = pd.DataFrame(hourly[year])
        frame.insert(0, "hour", np.arange(len(frame), dtype=np.int32))
        frame.insert(0, "year", np.int32(year))
        parts.append(frame)
    return pd.concat(parts, ignore_index=True)


def _joined_years(hourly: dict, years: list[int], keys: list[str], lengths: list[int]) -> pd.DataFrame:
    """The years' arrays (same ``keys`` each year) one under the other: float64 columns written
    straight into one 2-D block, the others concatenated and inserted in their places."""
    floats = [k for k in keys if np.asarray(hourly[years[0]][k]).dtype == np.float64]
    block = np.empty((len(floats), sum(lengths)))  # pandas' layout of a float block: a row per column
    start = 0
    for year, n in zip(years, lengths):
        for row, key in enumerate(floats):
            block[row, start:start + n] = hourly[year][key]
        start += n
    return _years_frame(hourly, years, keys, lengths, block, floats)


def _years_frame(hourly: dict, years: list[int], keys: list[str], lengths: list[int], block: np.ndarray,
                 floats: list[str]) -> pd.DataFrame:
    """The ``hourly`` table of the years' float64 columns ``floats`` (the rows of ``block``, taken as
    it is), with ``year``, ``hour`` and the other columns, concatenated, in their places."""
    others = {"year": np.concatenate([np.full(n, y, dtype=np.int32) for y, n in zip(years, lengths)]),
              "hour": np.concatenate([np.arange(n, dtype=np.int32) for n in lengths])}
    in_block = set(floats)
    others |= {k: np.concatenate([np.asarray(hourly[y][k]) for y in years]) for k in keys if k not in in_block}
    return block_frame(block, floats, others, ["year", "hour", *keys])


def annual_table(record: RunRecord) -> pd.DataFrame:
    """The ``annual`` table of a run (what a Monte Carlo replicate keeps)."""
    return frame_from_dicts(record.annual)


def _emissions_table(rows: list[tuple]) -> pd.DataFrame:
    """The ``emissions`` table: the inventory's rows (``EMISSION_COLUMNS``) built column by
    column, with ``gas`` (CO2, every row) after the method: placed among the columns before the
    frame is built (inserting it into the built frame costs more than the column itself)."""
    gas = coded_strings("gas", ["CO2"], np.zeros(len(rows), dtype=np.int64)) if rows else "CO2"
    columns = row_columns(rows, EMISSION_COLUMNS)
    if columns is None:  # no rows, or rows pandas reads itself
        frame = frame_from_rows(rows, EMISSION_COLUMNS)
        frame.insert(4, "gas", gas)
        return frame
    named = list(columns.items())
    return frame_from_columns(dict([*named[:4], ("gas", gas), *named[4:]]))


def _carbon_table(years: list[CarbonYear]) -> pd.DataFrame:
    """The ``carbon`` table: the years' columns one after the other; the arrays (booleans and
    floats, as the positions were computed) joined with numpy, the lists typed as from rows."""
    years = [c for c in years if len(c.entity)]  # (an empty year's arrays may have another dtype)
    if not years:
        return empty_frame(CARBON_COLUMNS)
    columns = {"year": np.repeat(np.array([c.year for c in years], dtype=np.int64), [len(c.entity) for c in years])}
    for at, name in enumerate(CARBON_COLUMNS[1:], start=1):
        parts = [c[at] for c in years]
        columns[name] = np.concatenate(parts) if isinstance(parts[0], np.ndarray) else list(chain.from_iterable(parts))
    return frame_from_columns(columns)


def _investments_table(purchases: list[Purchase], finance: Financed | None, fields: dict | None = None) -> pd.DataFrame:
    """The ``investments`` table: each purchase's fields, then how it was financed (when the run's
    end financed them: ``finance``, columns aligned with ``purchases``), joined column by column
    (``fields``: the purchases' fields as columns, when the run's end read them already)."""
    names = list(Purchase._fields)
    if finance is None and purchases:
        return pd.DataFrame([tuple(p) for p in purchases], columns=names)
    names += INVESTMENT_FINANCE_COLUMNS
    if not purchases:
        return pd.DataFrame([], columns=names)
    own = fields.values() if fields is not None else zip(*purchases)
    return frame_from_columns(dict(zip(names, [*own, *finance])))


def _money_table(money: dict, name: str) -> pd.DataFrame:
    """The run's-end table ``name`` (kernel.closing), or an empty table when the run made none."""
    table = money.get(name)
    return pd.DataFrame() if table is None else table


def base_year_rows(record: RunRecord, energy: pd.DataFrame, emissions: pd.DataFrame) -> BaseYearRows | None:
    """The run's first year's energy and emissions rows as the reconciliation reads them: the rows
    at the head of each record (a run records its years in order), beside the ``energy`` and
    ``emissions`` tables built from those records; None without annual rows."""
    if not record.annual:
        return None
    year = int(record.annual[0]["year"])

    def head(rows: list[tuple], names: tuple[str, ...], columns: tuple[str, ...]) -> dict[str, list]:
        n = 0
        while n < len(rows) and rows[n][0] == year:
            n += 1
        at = [names.index(name) for name in columns]
        return {name: [row[k] for row in rows[:n]] for name, k in zip(columns, at)}

    return BaseYearRows(year, head(record.energy, ENERGY_COLUMNS, ENERGY_READ), head(record.emissions, EMISSION_COLUMNS, EMISSIONS_READ),
                        (energy, emissions))


def build_results(record: RunRecord, manifest: dict) -> Results:
    if record.data_quality:  # the manifest names every measured series and what was filled in it
        manifest = {**manifest, "measured_series": [
            {k: row[k] for k in ("entity", "file", "series_sha1", "filled_hours", "fill_ranges")} for row in record.data_quality]}
    hourly = hourly_table(record.hourly, record.hourly_block)
    events = frame_from_rows(record.events, EVENT_COLUMNS)
    reviews = frame_from_rows(record.reviews, REVIEW_COLUMNS)
    money = record.money
    investments = _investments_table(record.purchases, money.get("investment_finance"), money.get("purchase_columns"))
    emissions = _emissions_table(record.emissions)
    energy_columns = money.get("energy_columns")  # read by the run's end for the bills already
    energy = frame_from_columns(energy_columns) if energy_columns else frame_from_rows(record.energy, ENERGY_COLUMNS)
    return Results(
        annual=annual_table(record),
        emissions=emissions,
        energy=energy,
        events=events,
        reviews=reviews,
        hourly=hourly,
        investments=investments,
        manifest=manifest,
        resources=frame_from_rows(record.resources, RESOURCE_COLUMNS),
        exchanges=frame_from_rows(record.exchanges, EXCHANGE_COLUMNS),
        data_quality=pd.DataFrame(record.data_quality, columns=list(QUALITY_COLUMNS)) if record.data_quality else empty_frame(QUALITY_COLUMNS),
        measured_totals=record.measured,
        base_firm_totals=record.base_firm_totals,
        base_rows=base_year_rows(record, energy, emissions),
        financing=_money_table(money, "financing"),
        cashflows=_money_table(money, "cashflows"),
        carbon=_carbon_table(record.carbon),
        products=frame_from_rows(record.products, PRODUCT_TABLE_COLUMNS),
        cost_of_capital=_money_table(money, "cost_of_capital"),
        measures=frame_from_rows(record.measures, MEASURE_COLUMNS),
        levelised_costs=_money_table(money, "levelised"),
    )

"""Spreadsheet in, park file out: the energy-statistics workbook (能源统计报表) of a park.

``write_template(path)`` writes an empty, documented workbook; ``write_workbook(park, path)``
fills one from a park (used to make ``models/examples/filled_park.xlsx``); ``import_workbook``
reads a filled workbook, validates it with the park schema and the loader's cross-checks and
writes ``<name>.yaml`` plus, when measured totals are given, ``<name>.measured.yaml``.

Every problem names the workbook, the sheet, the cell (or row) and the column header:
``park.xlsx: enterprises!F12 (用电量 Electricity [MWh/yr]): expected a number ≥ 0, got 'abc'``.

Sheets and what they hold:
- ``park``: key/value rows (key = dotted path in the park file, e.g. ``location.latitude_deg``)
- ``enterprises``, ``buildings``, ``fleets``: one row per item, one column per field
- ``exchanges``: candidate symbiosis exchanges, one row each (supplier, receiver, kind, quantity …)
- ``measured_totals``: measured base-year totals, one row for the park and optionally one per
  enterprise (goes to the sidecar ``<name>.measured.yaml``, see ``spec/calibration.py``)
- ``measured_series``: meter series files (CSV/Parquet), one row per enterprise, building or
  fleet id, or ``pv`` for the existing PV (goes to the item's ``measured_series``, see
  ``energy/measured.py``)
- ``readme``: what every column means

Columns are found by their header; a header matches on its full text, its Chinese part, its
English part (without the unit) or the field key. Headers starting with ``#`` are notes and
ignored. Blank rows are skipped; blank cells take the schema's default.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from parktwin.atomic import atomic_path
from parktwin.data import grid_series_ids, sector_ids, table
from parktwin.spec import load as loader
from parktwin.spec.base import FIELD_ERROR, RANGE_ERROR
from parktwin.spec.errors import InputError, Problem
from parktwin.spec.park import Park

NUMBER, INTEGER, TEXT, HOURS = "number", "integer", "text", "hours"

SHIFT_PATTERNS = ["day_1x8", "two_shift_2x8", "three_shift_3x8", "continuous"]
BUILDING_KINDS = ["office", "dormitory", "canteen", "warehouse", "lab"]
VEHICLE_KINDS = ["heavy_truck", "light_truck", "bus", "car", "forklift"]
POWERTRAINS = ["diesel", "bev"]
EXCHANGE_KINDS = ["steam", "waste_heat", "fuel_gas", "treated_water", "cooling_water", "gypsum", "fly_ash", "slag",
                  "spent_acid", "organic_residue", "residue"]


@dataclass(frozen=True)
class Column:
    """One column of a table sheet (or one key row of the ``park`` sheet)."""

    key: str  # dotted path inside the item (``energy.electricity_mwh``)
    zh: str
    en: str
    unit: str = ""
    kind: str = NUMBER
    required: bool = False
    help: str = ""
    choices: tuple[str, ...] | Callable[[], list[str]] = ()
    width: int = 16

    @property
    def header(self) -> str:
        unit = f" [{self.unit}]" if self.unit else ""
        return f"{self.zh} {self.en}{unit}"

    def options(self) -> list[str]:
        return list(self.choices()) if callable(self.choices) else list(self.choices)


def _sectors() -> list[str]:
    return sorted(sector_ids())


def _product_ids() -> list[str]:
    return sorted(table("products")["id"])


def _grid_regions() -> list[str]:
    return sorted(grid_series_ids())


C = Column
PARK_ROWS: list[Column] = [
    C("name", "园区名称", "Park name", kind=TEXT, required=True),
    C("description", "园区简介", "Description", kind=TEXT),
    C("base_year", "基准年", "Base year", kind=INTEGER, help="year the statistics are for; default 2025"),
    C("location.latitude_deg", "纬度", "Latitude", "°", required=True),
    C("location.longitude_deg", "经度", "Longitude", "°", required=True),
    C("location.altitude_m", "海拔", "Altitude", "m"),
    C("location.timezone", "时区", "Time zone", kind=TEXT, help="IANA name, default Asia/Shanghai"),
    C("location.grid_region", "电网区域", "Grid region", kind=TEXT, choices=_grid_regions,
      help="grid-factor series in data/grid_factors.csv; default east_china"),
    C("location.annual_ghi_kwh_per_m2", "年水平面总辐照量", "Annual GHI", "kWh/m²", required=True,
      help="long-term annual global horizontal irradiation"),
    C("location.mean_temp_c", "年平均气温", "Mean temperature", "°C"),
    C("location.temp_annual_amplitude_c", "气温年较差(半幅)", "Annual temperature amplitude", "°C"),
    C("location.temp_diurnal_amplitude_c", "气温日较差(半幅)", "Diurnal temperature amplitude", "°C"),
    C("location.climate_source", "气候数据来源", "Climate source", kind=TEXT),
    C("location.wind_mean_m_per_s", "10米高度年平均风速", "Mean wind speed at 10 m", "m/s"),
    C("location.wind_weibull_k", "风速威布尔形状参数", "Wind Weibull shape k", ""),
    C("grid.import_limit_kw", "受电容量上限", "Import limit", "kW", required=True, help="transformer / contract limit"),
    C("grid.export_limit_kw", "上网容量上限", "Export limit", "kW", help="0 forbids export"),
    C("grid.feed_in_price_cny_per_kwh", "上网电价", "Feed-in price", "CNY/kWh"),
    C("grid.tariff.valley_hours", "谷时段", "Valley hours", "h, e.g. 0,1,2", kind=HOURS, required=True,
      help="hours of the day 0..23, separated by commas; valley+flat+peak cover each hour once"),
    C("grid.tariff.flat_hours", "平时段", "Flat hours", "h", kind=HOURS, required=True),
    C("grid.tariff.peak_hours", "峰时段", "Peak hours", "h", kind=HOURS, required=True),
    C("grid.tariff.critical_hours", "尖峰时段", "Critical-peak hours", "h", kind=HOURS, help="subset of peak hours"),
    C("grid.tariff.critical_months", "尖峰月份", "Critical-peak months", "1..12", kind=HOURS, help="default 7,8"),
    C("grid.tariff.price_cny_per_kwh.valley", "谷电价", "Valley price", "CNY/kWh", required=True),
    C("grid.tariff.price_cny_per_kwh.flat", "平电价", "Flat price", "CNY/kWh", required=True),
    C("grid.tariff.price_cny_per_kwh.peak", "峰电价", "Peak price", "CNY/kWh", required=True),
    C("grid.tariff.price_cny_per_kwh.critical", "尖峰电价", "Critical-peak price", "CNY/kWh"),
    C("grid.tariff.demand_charge_cny_per_kw_month", "需量电价", "Demand charge", "CNY/kW·month"),
    C("grid.tariff.source", "电价来源", "Tariff source", kind=TEXT),
    C("green_space.area_ha", "绿地面积", "Green space", "ha"),
    C("green_space.crown_cover_share", "树冠覆盖率", "Crown cover share", "0..1"),
    C("assets.pv_kwp", "已建光伏", "Existing PV", "kWp"),
    C("assets.wind_kw", "已建风电", "Existing wind", "kW"),
    C("assets.battery_kwh", "已建储能容量", "Existing battery energy", "kWh"),
    C("assets.battery_kw", "已建储能功率", "Existing battery power", "kW"),
    C("pv_design.tilt_deg", "光伏倾角", "PV tilt", "°"),
    C("pv_design.azimuth_deg", "光伏方位角", "PV azimuth", "°", help="180 = south"),
    C("pv_design.system_losses_share", "光伏系统损失", "PV system losses", "0..1"),
    C("pv_design.kwp_per_roof_m2", "单位屋顶装机", "PV capacity per roof area", "kWp/m²"),
    C("wind_design.hub_height_m", "风机轮毂高度", "Wind hub height", "m"),
    C("wind_design.losses_share", "风电损失", "Wind losses", "0..1"),
    C("sources", "数据来源", "Sources", kind=TEXT, help="citations; several separated by new lines (Alt+Enter)"),
]

RESOURCE_COLUMNS: list[Column] = [  # optional: leave a group blank and its indicators are not assessed
    C("water.fresh_water_m3", "取用新水量", "Fresh water withdrawn", "m³/yr", help="optional; with it the water indicators are assessed"),
    C("water.reused_water_m3", "重复利用水量", "Water reused", "m³/yr", help="recirculated cooling and cascaded water inside the firm"),
    C("water.reclaimed_water_m3", "再生水(中水)用量", "Reclaimed water used", "m³/yr"),
    C("water.wastewater_m3", "污水处理量", "Wastewater treated", "m³/yr",
      help=("this firm's own wastewater sent to treatment (its own plant or the park's), not the park plant's total; "
            "the park's treatment plant, listed as a firm of sector wastewater_treatment, enters 0 (its inflow is the "
            "firms' wastewater, counted in their rows); summed over firms it is the base of the reclaimed-water reuse rate")),
    C("water.source", "用水数据来源", "Water source", kind=TEXT),
    C("solid_waste.generated_t", "工业固体废物产生量", "Solid waste generated", "t/yr", help="optional"),
    C("solid_waste.utilised_t", "工业固体废物综合利用量", "Solid waste used", "t/yr"),
    C("solid_waste.source", "固废数据来源", "Solid-waste source", kind=TEXT),
    C("waste_heat.available_gj", "余热余冷余压资源量", "Waste heat available", "GJ/yr", help="optional"),
    C("waste_heat.temperature_c", "余热温度", "Waste-heat temperature", "°C"),
    C("waste_heat.recovered_gj", "余热余冷余压利用量", "Waste heat recovered", "GJ/yr"),
    C("waste_heat.source", "余热数据来源", "Waste-heat source", kind=TEXT),
]

EXCHANGE_COLUMNS: list[Column] = [
    C("id", "交换编号", "ID", kind=TEXT, required=True, width=20),
    C("supplier", "供方", "Supplier", kind=TEXT, required=True, help="enterprise id, or external:<name>", width=20),
    C("receiver", "受方", "Receiver", kind=TEXT, required=True, help="enterprise id, or external:<name>", width=20),
    C("kind", "类型", "Kind", kind=TEXT, required=True, choices=tuple(EXCHANGE_KINDS)),
    C("quantity", "数量", "Quantity", "t/yr, GJ/yr or m³/yr", required=True, help="steam t, heat and gas GJ, water m³, materials t"),
    C("distance_km", "距离", "Distance", "km"),
    C("capex_cny", "投资", "Capex", "CNY"),
    C("opex_cny_per_yr", "年运行费", "Opex", "CNY/yr"),
    C("receiver_fuel", "受方替代燃料", "Receiver fuel", kind=TEXT, help="coal, natural_gas or diesel (default coal)"),
    C("pressure_mpa", "蒸汽压力", "Steam pressure", "MPa"),
    C("temperature_c", "温度", "Temperature", "°C", help="steam superheat or waste-heat source"),
    C("use_temperature_c", "用热温度", "Use temperature", "°C"),
    C("transport", "运输方式", "Transport", kind=TEXT, help="pipe (default) or truck"),
    C("lead_time_days", "建设周期", "Lead time", "days"),
    C("earliest_year", "最早年份", "Earliest year", kind=INTEGER),
    C("lifetime_yr", "寿命", "Lifetime", "yr", kind=INTEGER),
    C("capex_supplier_share", "供方投资占比", "Supplier's capex share", "0..1", help="default 0.5"),
    C("transfer_price_cny_per_unit", "转让价格", "Transfer price", "CNY per unit", help="blank: the price sharing the gain evenly"),
    C("supplier_extra_fuel_share", "供方额外燃料比", "Supplier extra fuel", "GJ/GJ", help="0 for pure surplus heat"),
    C("supplier_fuel", "供方燃料", "Supplier fuel", kind=TEXT),
    C("note", "说明", "Note", kind=TEXT, width=30),
    C("source", "数据来源", "Source", kind=TEXT, width=24),
]

ENTERPRISE_COLUMNS: list[Column] = [
    C("id", "企业编号", "ID", kind=TEXT, required=True, help="letters, digits, _ and -; unique", width=20),
    C("name", "企业名称", "Name", kind=TEXT, required=True, width=24),
    C("sector", "行业", "Sector", kind=TEXT, required=True, choices=_sectors,
      help=("sector id in data/sectors.csv; the park's central wastewater plant is one firm of sector wastewater_treatment "
            "(shift pattern continuous; unmetered electricity ≈ treated m³ × wwtp_electricity_kwh_per_m3 in data/constants.csv)"),
      width=18),
    C("value_added_mcny", "工业增加值", "Value added", "million CNY", required=True, help="base year; 1 万元 = 0.01 million CNY"),
    C("energy.electricity_mwh", "用电量", "Electricity", "MWh/yr", required=True),
    C("energy.coal_t", "原煤", "Coal", "t/yr", required=True),
    C("energy.natural_gas_km3", "天然气", "Natural gas", "千m³/yr (km3)", required=True, help="thousand cubic metres"),
    C("energy.diesel_t", "柴油", "Diesel", "t/yr", required=True),
    C("energy.purchased_heat_gj", "外购热力", "Purchased heat", "GJ/yr", required=True, help="steam / hot water bought from outside the park"),
    C("process_emissions_tco2", "工业过程CO₂排放", "Process CO₂", "tCO₂/yr"),
    C("fuel_heat_share", "锅炉供热燃料占比", "Fuel heat share", "0..1",
      help="share of coal and gas burnt in boilers for heat (the rest is feedstock or kilns); default 1"),
    C("roof_area_m2", "可用屋顶面积", "Roof area", "m²"),
    C("shift_pattern", "班制", "Shift pattern", kind=TEXT, choices=tuple(SHIFT_PATTERNS), help="default two_shift_2x8"),
    C("employees", "从业人数", "Employees", kind=INTEGER),
    C("heat_band_shares.low", "低温热占比(<100°C)", "Low-temperature heat share", "0..1",
      help="optional; give all three bands or none (default: the sector's)"),
    C("heat_band_shares.medium", "中温热占比(100-200°C)", "Medium-temperature heat share", "0..1"),
    C("heat_band_shares.high", "高温热占比(>200°C)", "High-temperature heat share", "0..1"),
    *RESOURCE_COLUMNS,
    C("source", "数据来源", "Source", kind=TEXT, width=24),
]

BUILDING_COLUMNS: list[Column] = [
    C("id", "建筑编号", "ID", kind=TEXT, required=True, width=20),
    C("name", "建筑名称", "Name", kind=TEXT, width=24),
    C("kind", "建筑类型", "Kind", kind=TEXT, required=True, choices=tuple(BUILDING_KINDS)),
    C("floor_area_m2", "建筑面积", "Floor area", "m²", required=True),
    C("electricity_kwh_per_m2", "单位面积用电", "Electricity intensity", "kWh/m²·yr", required=True),
    C("natural_gas_m3_per_m2", "单位面积用气", "Gas intensity", "m³/m²·yr"),
    C("roof_area_m2", "可用屋顶面积", "Roof area", "m²"),
    C("source", "数据来源", "Source", kind=TEXT, width=24),
]

FLEET_COLUMNS: list[Column] = [
    C("id", "车队编号", "ID", kind=TEXT, required=True, width=20),
    C("name", "车队名称", "Name", kind=TEXT, width=24),
    C("owner", "所属", "Owner", kind=TEXT, help="enterprise id, or operator (default)"),
    C("vehicle", "车型", "Vehicle", kind=TEXT, required=True, choices=tuple(VEHICLE_KINDS)),
    C("count", "车辆数", "Count", kind=INTEGER, required=True),
    C("km_per_vehicle_yr", "单车年里程", "Mileage per vehicle", "km/yr", required=True),
    C("powertrain", "动力", "Powertrain", kind=TEXT, choices=tuple(POWERTRAINS), help="default diesel"),
    C("diesel_l_per_100km", "百公里油耗", "Diesel use", "L/100km"),
    C("bev_kwh_per_km", "电动化后电耗", "BEV consumption", "kWh/km", required=True, help="consumption once electrified"),
    C("source", "数据来源", "Source", kind=TEXT, width=24),
]

MEASURED_COLUMNS: list[Column] = [
    C("scope", "范围", "Scope", kind=TEXT, required=True,
      help="'park' for the whole park's metered totals, or an enterprise id", width=20),
    C("electricity_mwh", "用电量", "Electricity", "MWh/yr"),
    C("coal_t", "原煤", "Coal", "t/yr"),
    C("natural_gas_km3", "天然气", "Natural gas", "千m³/yr (km3)"),
    C("diesel_t", "柴油", "Diesel", "t/yr"),
    C("purchased_heat_gj", "外购热力", "Purchased heat", "GJ/yr"),
    C("energy_tce", "综合能耗", "Energy use", "tce/yr", help="当量 method"),
    C("emissions_tco2", "CO₂排放", "Emissions", "tCO₂/yr", help="scope 1 + location-based scope 2, process CO₂ included"),
    C("water_m3", "用水量", "Water", "m³/yr",
      help="fresh water withdrawn (取用新水量); reconciled with the enterprises' water.fresh_water_m3 (after the exchanges)"),
    C("solid_waste_t", "工业固废产生量", "Solid waste", "t/yr",
      help="industrial solid waste generated; reconciled with the enterprises' solid_waste.generated_t"),
    C("source", "数据来源", "Source", kind=TEXT, width=28),
]
SERIES_COLUMNS: list[Column] = [
    C("entity", "对象编号", "Entity", kind=TEXT, required=True, width=20,
      help="id of an enterprise, building or fleet (its electricity or charging), or 'pv' for the existing PV output"),
    C("file", "数据文件", "File", kind=TEXT, required=True, width=32,
      help="CSV or Parquet, relative to the park file that import writes"),
    C("time_column", "时间列", "Time column", kind=TEXT, help="default time; the start of each interval"),
    C("value_column", "数值列", "Value column", kind=TEXT, help="default value"),
    C("unit", "单位", "Unit", kind=TEXT, choices=("kW", "MW", "kWh", "MWh"),
      help="kW, MW: average power in the interval; kWh, MWh: energy in it; default kW"),
    C("label", "时间标记", "Timestamp marks", kind=TEXT, choices=("start", "end"),
      help="start (default) or end of the interval; meters that write 00:15 … 24:00 mark the end"),
    C("timezone", "时区", "Time zone", kind=TEXT, help="IANA name (local clock time) or offset UTC+08:00; default the park's"),
    C("fill", "缺测补齐", "Fill", kind=TEXT, choices=("none", "linear", "profile"), help="default none: gaps are refused"),
    C("max_gap_h", "最长补齐时长", "Longest gap filled", "h", help="needed with linear and profile"),
    C("source", "数据来源", "Source", kind=TEXT, width=24),
]
PRODUCT_COLUMNS: list[Column] = [
    C("enterprise", "企业编号", "Enterprise", kind=TEXT, required=True, width=20, help="id of a row of the enterprises sheet"),
    C("product", "产品", "Product", kind=TEXT, required=True, choices=_product_ids, width=22,
      help="product id in data/products.csv (its national unit-energy limit, CN code, CBAM fields)"),
    C("output", "年产量", "Annual output", "unit/yr", required=True, help="base year, in the product's unit"),
    C("unit", "产量单位", "Unit", kind=TEXT, required=True, choices=("t", "MWh", "GJ", "weight_box"),
      help="the product's unit in data/products.csv"),
    C("energy_share", "能耗占比", "Energy share", "0..1",
      help="share of the firm's energy use (and scope-1 CO₂) this product takes; default: all for one product, else split"),
    C("export_share", "出口比例", "Export share", "0..1", help="default 0"),
    C("export_destination", "出口去向", "Export destination", kind=TEXT, choices=("EU", "other"),
      help="EU: CBAM applies to CBAM goods; needed when the export share is above 0"),
    C("source", "数据来源", "Source", kind=TEXT, width=24),
]
del C

TABLES: dict[str, list[Column]] = {
    "enterprises": ENTERPRISE_COLUMNS,
    "buildings": BUILDING_COLUMNS,
    "fleets": FLEET_COLUMNS,
    "measured_totals": MEASURED_COLUMNS,
    "exchanges": EXCHANGE_COLUMNS,
    "measured_series": SERIES_COLUMNS,
    "products": PRODUCT_COLUMNS,
}
SERIES_HOLDERS = ("enterprises", "buildings", "fleets")
PARK_HEADERS = ("字段 Key", "名称 Name", "值 Value", "说明 Note")
SHEET_TITLES = {
    "park": "园区基本信息、电网与电价 Park, grid and tariff",
    "enterprises": "企业能源统计(基准年) Enterprise energy statistics, base year",
    "buildings": "公共建筑 Park buildings",
    "fleets": "车队 Vehicle fleets",
    "measured_totals": "基准年实测总量 Measured base-year totals",
    "exchanges": "产业共生交换(候选) Candidate symbiosis exchanges",
    "measured_series": "实测负荷曲线文件 Measured series files",
    "products": "企业产品与产量 Enterprises' products and output",
}
DATA_ROWS = 500  # rows that carry data validation in the template


# -- writing -----------------------------------------------------------------------------------
def _new_workbook():
    # import here: openpyxl costs 0.54 s after import parktwin (measured); only workbooks need it
    from openpyxl import Workbook

    wb = Workbook()
    fixed = _dt.datetime(2025, 1, 1)
    wb.properties.created = fixed
    wb.properties.modified = fixed
    wb.properties.creator = "parktwin"
    return wb


def _style_header(cell) -> None:
    # import here: openpyxl costs 0.54 s after import parktwin (measured); only workbooks need it
    from openpyxl.styles import Alignment, Font, PatternFill

    cell.font = Font(bold=True)
    cell.fill = PatternFill("solid", fgColor="DDEBF7")
    cell.alignment = Alignment(wrap_text=True, vertical="top")


def _list_validation(ws, options: list[str], ref: str) -> None:
    # import here: openpyxl costs 0.54 s after import parktwin (measured); only workbooks need it
    from openpyxl.worksheet.datavalidation import DataValidation

    dv = DataValidation(type="list", formula1='"' + ",".join(options) + '"', allow_blank=True,
                        showErrorMessage=True, errorTitle="parktwin", error=f"expected one of {', '.join(options)}")
    ws.add_data_validation(dv)
    dv.add(ref)


def _build(park: dict | None = None, measured: dict | None = None):
    """The workbook, empty (template) or filled from a park document and measured totals."""
    # import here: openpyxl costs 0.54 s after import parktwin (measured); only workbooks need it
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = _new_workbook()
    ws = wb.active
    ws.title = "park"
    for col, (head, width) in enumerate(zip(PARK_HEADERS, (34, 36, 40, 60)), start=1):
        _style_header(ws.cell(1, col, head))
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "A2"
    for row, spec in enumerate(PARK_ROWS, start=2):
        ws.cell(row, 1, spec.key).font = Font(color="666666")
        ws.cell(row, 2, spec.header + (" *" if spec.required else ""))
        note = spec.help + (" (required)" if spec.required else "")
        ws.cell(row, 4, note.strip()).alignment = Alignment(wrap_text=True)
        if park is not None:
            value = _get(park, spec.key)
            if spec.kind == HOURS and isinstance(value, list):
                value = ",".join(str(v) for v in value)
            elif spec.key == "sources" and isinstance(value, list):
                value = "\n".join(str(v) for v in value)
            if value is not None:
                ws.cell(row, 3, value).alignment = Alignment(wrap_text=True, vertical="top")
        if spec.options():
            _list_validation(ws, spec.options(), f"C{row}")

    for sheet, columns in TABLES.items():
        ws = wb.create_sheet(sheet)
        for col, spec in enumerate(columns, start=1):
            cell = ws.cell(1, col, spec.header)
            _style_header(cell)
            text = f"{spec.key}: {spec.help}".rstrip(": ") + (" (required)" if spec.required else "")
            cell.comment = Comment(text, "parktwin")
            letter = get_column_letter(col)
            ws.column_dimensions[letter].width = max(spec.width, min(34, len(spec.header) + 2))
            if spec.options():
                _list_validation(ws, spec.options(), f"{letter}2:{letter}{DATA_ROWS + 1}")
        ws.row_dimensions[1].height = 32
        ws.freeze_panes = "B2"
        rows = _rows_for(sheet, park, measured)
        for r, item in enumerate(rows, start=2):
            for col, spec in enumerate(columns, start=1):
                value = _get(item, spec.key)
                if value is not None:
                    ws.cell(r, col, value)

    _readme(wb.create_sheet("readme"))
    return wb


def _rows_for(sheet: str, park: dict | None, measured: dict | None) -> list[dict]:
    if sheet == "measured_totals":
        if not measured:
            return []
        rows = []
        if measured.get("park"):
            rows.append({"scope": "park", **measured["park"], "source": measured.get("source")})
        for ident, values in (measured.get("enterprises") or {}).items():
            rows.append({"scope": ident, **values})
        return rows
    if sheet == "measured_series":
        rows = [{"entity": item["id"], **item["measured_series"]} for key in SERIES_HOLDERS for item in (park or {}).get(key) or []
                if isinstance(item, dict) and item.get("measured_series")]
        pv = _get(park or {}, "assets.pv_measured_series")
        return rows + ([{"entity": "pv", **pv}] if pv else [])
    if sheet == "products":
        return [{"enterprise": item["id"], **line} for item in (park or {}).get("enterprises") or []
                if isinstance(item, dict) for line in item.get("products") or []]
    return list((park or {}).get(sheet) or [])


def _readme(ws) -> None:
    # import here: openpyxl costs 0.54 s after import parktwin (measured); only workbooks need it
    from openpyxl.styles import Alignment, Font

    lines = [
        ("parktwin 园区能源统计模板 / park energy-statistics template", ""),
        ("", ""),
        ("填写 Fill in", ("One row per enterprise, building and fleet; the park sheet is key/value. Units are in the headers. "
                         "Blank cells take the default; blank rows are skipped; columns whose header starts with # are notes.")),
        ("导入 Import", "parktwin import park.xlsx -o models/<name>.yaml  → park file (+ <name>.measured.yaml with the measured totals)"),
        ("检查 Check", "parktwin check models/<name>.yaml"),
        ("", ""),
    ]
    ws.append(["工作表 Sheet", "列 Column", "字段 Key", "单位 Unit", "必填 Required", "说明 Meaning"])
    for c in ws[1]:
        _style_header(c)
    for text, note in lines:
        ws.append(["", text, "", "", "", note])
    for sheet, columns in (("park", PARK_ROWS), *TABLES.items()):
        for spec in columns:
            choices = spec.options()
            meaning = spec.help + (f" — one of: {', '.join(choices)}" if choices else "")
            ws.append([sheet, spec.header, spec.key, spec.unit, "yes" if spec.required else "", meaning.strip(" —")])
    for letter, width in zip("ABCDEF", (18, 40, 34, 16, 12, 80)):
        ws.column_dimensions[letter].width = width
    for row in ws.iter_rows(min_row=2):
        row[5].alignment = Alignment(wrap_text=True, vertical="top")
    ws["B2"].font = Font(bold=True, size=13)
    ws.freeze_panes = "A2"


def _get(doc: Any, dotted: str) -> Any:
    node = doc
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _save(wb, path: Path) -> Path:
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return Path(path)


def write_template(path: str | Path) -> Path:
    """An empty, documented workbook to fill in."""
    return _save(_build(), Path(path))


def write_workbook(park: Any, path: str | Path, measured: dict | None = None) -> Path:
    """A workbook filled from a park (``Park``, park document or park YAML path) and measured totals
    (by default the park's ``measured`` block, or the sidecar beside a park YAML path)."""

    if isinstance(park, (str, Path)):
        sidecar = measured_path(park)
        park = yaml.safe_load(Path(park).read_text(encoding="utf-8"))
        if measured is None and sidecar.exists():
            measured = yaml.safe_load(sidecar.read_text(encoding="utf-8"))
    if isinstance(park, Park):
        park = park.model_dump(mode="json", exclude_defaults=True)
    if measured is None and isinstance(park, dict) and park.get("measured"):
        measured = park["measured"]
    park = {k: v for k, v in park.items() if k != "measured"} if isinstance(park, dict) else park
    return _save(_build(park, measured), Path(path))


# -- reading -----------------------------------------------------------------------------------
Origin = tuple[str, str, str]  # sheet, cell or row ("F12" / "row 12" / "1"), column header


class _Reader:
    """Reads cells into a park document, remembering where every value came from."""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []
        self.origins: dict[tuple, Origin] = {}

    def problem(self, origin: Origin | None, message: str) -> None:
        if origin is None:
            self.problems.append(Problem(self.file, "", message))
            return
        sheet, where, header = origin
        field = f"{sheet}!{where}" + (f" ({header})" if header else "")
        self.problems.append(Problem(self.file, field, message))

    def value(self, raw: Any, spec: Column, origin: Origin) -> Any:
        """The cell converted to the column's kind; None if blank or bad (bad ones are reported)."""
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None
        if spec.kind == TEXT:
            if isinstance(raw, float) and raw.is_integer():
                raw = int(raw)
            return str(raw).strip()
        if spec.kind == HOURS:
            items = [raw] if isinstance(raw, (int, float)) else re.split(r"[,;，、\s]+", str(raw).strip())
            out = []
            for item in items:
                number = _number(item)
                if number is None or not float(number).is_integer():
                    self.problem(origin, f"expected whole numbers separated by commas, e.g. 0,1,2 (got {raw!r})")
                    return None
                out.append(int(number))
            return out
        number = _number(raw)
        if number is None:
            expect = "a whole number" if spec.kind == INTEGER else "a number"
            bound = _lower_bound(spec)
            self.problem(origin, f"expected {expect}{bound}, got {raw!r}")
            return None
        if spec.kind == INTEGER:
            if not float(number).is_integer():
                self.problem(origin, f"expected a whole number, got {raw!r}")
                return None
            return int(number)
        return int(number) if isinstance(number, int) else float(number)


def _number(raw: Any) -> int | float | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float)):
        return raw
    if isinstance(raw, str):
        text = raw.strip().replace(",", "").replace("，", "").replace(" ", "")
        try:
            return int(text)
        except ValueError:
            pass
        try:
            value = float(text)
        except ValueError:
            return None
        return value if math.isfinite(value) else None
    return None


def _lower_bound(spec: Column) -> str:
    if spec.key.startswith(("energy.", "roof_", "process_", "employees")) or spec.key in MEASURE_KEYS:
        return " ≥ 0"
    return ""


MEASURE_KEYS = {c.key for c in MEASURED_COLUMNS if c.kind == NUMBER}


def _norm(text: Any) -> str:
    return re.sub(r"\s+", " ", str(text)).strip().lower()


def _header_names(spec: Column) -> set[str]:
    names = {spec.header, spec.key, spec.zh, spec.en, f"{spec.zh} {spec.en}", f"{spec.en} [{spec.unit}]"}
    return {_norm(n) for n in names if n}


def _set(doc: dict, dotted: str, value: Any) -> None:
    parts = dotted.split(".")
    node = doc
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value


def _read_park_sheet(ws, reader: _Reader) -> dict:
    doc: dict = {}
    by_key = {spec.key: spec for spec in PARK_ROWS}
    seen: set[str] = set()
    for row in ws.iter_rows(min_row=2):
        key_cell = row[0]
        key = key_cell.value
        if key is None or not str(key).strip() or str(key).strip().startswith("#"):
            continue
        key = str(key).strip()
        value_cell = row[2] if len(row) > 2 else None
        spec = by_key.get(key)
        if spec is None:
            reader.problem(("park", f"A{key_cell.row}", ""), f"unknown key {key!r}; expected one of the keys of the template")
            continue
        if key in seen:
            reader.problem(("park", f"A{key_cell.row}", ""), f"key {key!r} is given twice")
            continue
        seen.add(key)
        origin = ("park", f"C{key_cell.row}", spec.header)
        reader.origins[tuple(_path(key))] = origin
        value = reader.value(value_cell.value if value_cell is not None else None, spec, origin)
        if value is None:
            continue
        if key == "sources":
            value = [line.strip() for line in str(value).splitlines() if line.strip()]
        _set(doc, key, value)
    return doc


def _path(dotted: str) -> list:
    return [int(p) if p.isdigit() else p for p in dotted.split(".")]


def _read_table(ws, sheet: str, columns: list[Column], reader: _Reader) -> list[dict]:
    # import here: openpyxl costs 0.54 s after import parktwin (measured); only workbooks need it
    from openpyxl.utils import get_column_letter

    header_row = next(ws.iter_rows(min_row=1, max_row=1), ())
    lookup: dict[str, Column] = {}
    for spec in columns:
        for name in _header_names(spec):
            lookup.setdefault(name, spec)
    found: dict[int, Column] = {}
    for cell in header_row:
        if cell.value is None or not str(cell.value).strip() or str(cell.value).strip().startswith("#"):
            continue
        spec = lookup.get(_norm(cell.value))
        if spec is None:
            reader.problem((sheet, f"{cell.coordinate}", ""),
                           f"unknown column {str(cell.value)!r}; expected a template header (or start it with # for a note)")
            continue
        if spec in found.values():
            reader.problem((sheet, cell.coordinate, spec.header), "column given twice")
            continue
        found[cell.column] = spec
    present = set(found.values())
    for spec in columns:
        if spec.required and spec not in present:
            reader.problem((sheet, "row 1", ""), f"missing column {spec.header!r}")
    items = []
    for row in ws.iter_rows(min_row=2):
        cells = [c for c in row if c.column in found]
        if all(c.value is None or (isinstance(c.value, str) and not c.value.strip()) for c in cells):
            continue
        r = row[0].row
        item: dict = {}
        index = len(items)
        reader.origins[(sheet, index)] = (sheet, f"row {r}", "")
        for cell in cells:
            spec = found[cell.column]
            origin = (sheet, f"{get_column_letter(cell.column)}{r}", spec.header)
            reader.origins[(sheet, index, *_path(spec.key))] = origin
            if spec.key.startswith("heat_band_shares."):
                reader.origins.setdefault((sheet, index, "heat_band_shares"), (sheet, f"row {r}", "heat band shares"))
            value = reader.value(cell.value, spec, origin)
            if value is not None:
                _set(item, spec.key, value)
        if sheet == "enterprises":
            item.setdefault("energy", {})
        items.append(item)
    return items


def read_workbook(path: str | Path) -> tuple[dict, dict | None]:
    """The park document and the measured totals (or None) of a filled workbook, validated.

    Raises ``InputError`` listing every problem with its sheet, cell and column.
    """
    doc, measured, _ = _read_workbook(path)
    return doc, measured


def _read_workbook(path: str | Path) -> tuple[dict, dict | None, _Reader]:
    """``read_workbook`` and the reader that knows each value's cell."""
    # import here: openpyxl costs 0.54 s after import parktwin (measured); only workbooks need it
    from openpyxl import load_workbook

    path = Path(path)
    file = _display(path)
    try:
        wb = load_workbook(path, data_only=True, read_only=False)
    except FileNotFoundError:
        raise InputError([Problem(file, "", "file not found")]) from None
    except Exception as exc:  # noqa: BLE001 - zip, xml and format errors of openpyxl
        raise InputError([Problem(file, "", f"cannot read as an .xlsx workbook: {exc}")]) from None
    reader = _Reader(file)
    missing = [s for s in ("park", "enterprises") if s not in wb.sheetnames]
    for sheet in missing:
        reader.problem(None, f"missing sheet {sheet!r}")
    if missing:
        raise InputError(reader.problems)
    doc = _read_park_sheet(wb["park"], reader)
    for sheet in ("enterprises", "buildings", "fleets", "exchanges"):
        if sheet in wb.sheetnames:
            doc[sheet] = _read_table(wb[sheet], sheet, TABLES[sheet], reader)
    measured_rows = _read_table(wb["measured_totals"], "measured_totals", MEASURED_COLUMNS, reader) \
        if "measured_totals" in wb.sheetnames else []
    if "measured_series" in wb.sheetnames:
        _attach_series(doc, _read_table(wb["measured_series"], "measured_series", SERIES_COLUMNS, reader), reader)
    if "products" in wb.sheetnames:
        _attach_products(doc, _read_table(wb["products"], "products", PRODUCT_COLUMNS, reader), reader)
    if not doc.get("buildings"):
        doc.pop("buildings", None)
    if not doc.get("fleets"):
        doc.pop("fleets", None)
    if not doc.get("exchanges"):
        doc.pop("exchanges", None)

    problems = list(reader.problems)
    problems += _validate_park(doc, reader)
    measured = _measured_doc(measured_rows, doc, reader, problems)
    if problems:
        raise InputError(_dedupe(problems))
    return doc, measured, reader


def _attach_products(doc: dict, rows: list[dict], reader: _Reader) -> None:
    """Each row of the products sheet becomes a product line of the enterprise it names; its cells
    stay the origin of later problems."""
    firms = {item.get("id"): (i, item) for i, item in enumerate(doc.get("enterprises") or []) if isinstance(item, dict)}
    for n, row in enumerate(rows):
        ident = row.pop("enterprise", None)
        origin = reader.origins.get(("products", n, "enterprise")) or reader.origins[("products", n)]
        if ident is None:
            continue  # the missing enterprise is reported by the column check
        if ident not in firms:
            reader.problem(origin, f"unknown enterprise {ident!r}; expected an id of the enterprises sheet")
            continue
        i, firm = firms[ident]
        lines = firm.setdefault("products", [])
        path = ("enterprises", i, "products", len(lines))
        lines.append(row)
        reader.origins[path] = reader.origins[("products", n)]
        for spec in PRODUCT_COLUMNS:
            if ("products", n, spec.key) in reader.origins:
                reader.origins[(*path, spec.key)] = reader.origins[("products", n, spec.key)]


def _attach_series(doc: dict, rows: list[dict], reader: _Reader) -> None:
    """Each row of the measured_series sheet becomes the ``measured_series`` of the item with its
    id (``assets.pv_measured_series`` for ``pv``); its cells stay the origin of later problems."""
    items = {item.get("id"): (key, i, item) for key in SERIES_HOLDERS for i, item in enumerate(doc.get(key) or [])
             if isinstance(item, dict)}
    for n, row in enumerate(rows):
        ident = row.pop("entity", None)
        origin = reader.origins.get(("measured_series", n, "entity")) or reader.origins[("measured_series", n)]
        if ident is None:
            continue  # the missing entity is reported by the column check
        if ident == "pv":
            holder, path = doc.setdefault("assets", {}), ("assets", "pv_measured_series")
            key = "pv_measured_series"
        elif ident in items:
            sheet, i, holder = items[ident]
            path, key = (sheet, i, "measured_series"), "measured_series"
        else:
            reader.problem(origin, f"unknown entity {ident!r}; expected an id of the enterprises, buildings or fleets sheet, or 'pv'")
            continue
        if key in holder:
            reader.problem(origin, f"{ident!r} has a series already; one series per entity")
            continue
        holder[key] = row
        reader.origins[path] = reader.origins[("measured_series", n)]
        for spec in SERIES_COLUMNS:
            if ("measured_series", n, spec.key) in reader.origins:
                reader.origins[(*path, spec.key)] = reader.origins[("measured_series", n, spec.key)]


SERIES_KEYS = frozenset(c.key for c in SERIES_COLUMNS)
SERIES_PROBLEM_RE = re.compile(r"^[^:]+: (?P<column>[^:]+): ")  # "<file>: <column or setting>: <what>" (spec.series)


def _series_cell(reader: _Reader, doc: dict, field: str, message: str) -> str | None:
    """The measured_series sheet's cell behind a problem the park loader found in a series file
    (``enterprises.3.measured_series.file: load.csv: energy_kwh: …``): the cell of the setting or
    column the problem names (time or value column, unit, time zone, fill, max_gap_h, label), else
    the row's file cell; None when ``field`` is not a series of the workbook."""
    loc = _path(field)
    holder = next((i for i, p in enumerate(loc) if p in ("measured_series", "pv_measured_series")), None)
    if holder is None or tuple(loc[: holder + 1]) not in reader.origins:
        return None
    base = tuple(loc[: holder + 1])
    row = doc
    for part in base:  # the series' settings as the workbook gave them
        ok = isinstance(row, dict) and part in row or isinstance(row, list) and isinstance(part, int) and part < len(row)
        row = row[part] if ok else {}
    named = SERIES_PROBLEM_RE.match(message)
    column = named.group("column") if named else None
    if column is not None and column not in SERIES_KEYS:
        by_value = {str(row.get("time_column", "time")): "time_column", str(row.get("value_column", "value")): "value_column"}
        column = by_value.get(column)
    for key in (column, loc[holder + 1] if len(loc) > holder + 1 else None, "file"):
        if key is not None and (*base, key) in reader.origins:
            return _where(reader, [*base, key])
    return _where(reader, list(base))


def _dedupe(problems: list[Problem]) -> list[Problem]:
    out, seen = [], set()
    for p in problems:
        if (p.file, p.field, p.message) not in seen:
            seen.add((p.file, p.field, p.message))
            out.append(p)
    return out


def _where(reader: _Reader, loc: list) -> str:
    """The sheet and cell of a park-document path (longest known prefix)."""
    for n in range(len(loc), 0, -1):
        key = tuple(loc[:n])
        if key in reader.origins:
            sheet, where, header = reader.origins[key]
            return f"{sheet}!{where}" + (f" ({header})" if header else "")
    if loc and loc[0] in TABLES and len(loc) >= 2 and isinstance(loc[1], int):
        return f"{loc[0]}!row ? ({'.'.join(str(p) for p in loc[2:])})"
    spec = next((s for s in PARK_ROWS if _path(s.key) == loc[: len(_path(s.key))]), None)
    if spec is not None:
        return f"park!{spec.key} ({spec.header})"
    if loc and loc[0] not in TABLES:
        return "park!" + ".".join(str(p) for p in loc)
    return ".".join(str(p) for p in loc)


def _message(err: dict) -> str:
    kind, ctx, got = err["type"], err.get("ctx") or {}, err.get("input")
    if kind == "missing":
        return "missing value (required)"
    bounds = {"greater_than_equal": "≥", "greater_than": ">", "less_than_equal": "≤", "less_than": "<"}
    if kind in bounds:
        limit = next(iter(ctx.values()), "")
        limit = f"{limit:g}" if isinstance(limit, (int, float)) else limit
        return f"expected a number {bounds[kind]} {limit}, got {got!r}"
    if kind == "literal_error":
        return f"expected one of {ctx.get('expected', '')}, got {got!r}"
    if kind == "string_pattern_mismatch":
        return f"expected letters, digits, _ or - only, got {got!r}"
    if kind == "extra_forbidden":
        return "not a field of the park file"
    if kind in (FIELD_ERROR, RANGE_ERROR):
        return ctx["why"]
    msg = err["msg"]
    msg = msg.removeprefix("Value error, ")
    if not isinstance(got, (dict, list)):
        msg = f"{msg} (got {got!r})"
    return msg


def _row_refs(reader: _Reader, message: str) -> str:
    """``enterprises.3`` in a loader message → the row it came from."""

    def repl(m: re.Match) -> str:
        origin = reader.origins.get((m.group(1), int(m.group(2))))
        return f"{m.group(1)} {origin[1]}" if origin else m.group(0)

    return re.sub(r"\b(enterprises|buildings|fleets)\.(\d+)\b", repl, message)


def _validate_park(doc: dict, reader: _Reader) -> list[Problem]:
    cross = loader.park_cross_problems

    # the schema's errors on values already reported as unreadable would repeat them: skip those
    bad_cells = {p.field for p in reader.problems}
    problems = []
    for p in cross(doc, reader.file):
        problems.append(Problem(reader.file, _where(reader, _path(p.field)), _row_refs(reader, p.message)))
    try:
        Park.model_validate(doc)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            loc = list(err["loc"]) + ([err["ctx"]["field"]] if err["type"] == FIELD_ERROR else [])
            if err["type"] == "missing" and len(loc) == 1 and loc[0] in ("location", "grid"):
                # a whole section blank: name each required key of it
                for spec in PARK_ROWS:
                    if spec.required and spec.key.startswith(f"{loc[0]}."):
                        problems.append(Problem(reader.file, _where(reader, _path(spec.key)), "missing value (required)"))
                continue
            if loc == ["enterprises"] and err["type"] == "too_short":
                problems.append(Problem(reader.file, "enterprises!row 2", "expected at least one enterprise row"))
                continue
            where = _where(reader, loc)
            if err["type"] == "missing" and where in bad_cells:
                continue
            if err["type"] == "missing" and loc and loc[0] in TABLES and len(loc) == 3:
                # a required cell left blank: name the cell of that row and column
                spec = next((s for s in TABLES[loc[0]] if s.key == loc[2]), None)
                origin = reader.origins.get((loc[0], loc[1]))
                if spec and origin:
                    if not any(s.key == spec.key for s in _present(reader, loc[0])):
                        continue  # the missing column is reported once, not per row
                    where = f"{loc[0]}!{_cell_of(reader, loc[0], loc[1], spec)} ({spec.header})"
            if any(b and where.startswith(b) for b in bad_cells):
                continue
            problems.append(Problem(reader.file, where, _message(err)))
    return problems


def _present(reader: _Reader, sheet: str) -> list[Column]:
    keys = {".".join(str(p) for p in k[2:]) for k in reader.origins if len(k) > 2 and k[0] == sheet}
    return [s for s in TABLES[sheet] if s.key in keys]


def _cell_of(reader: _Reader, sheet: str, index: int, spec: Column) -> str:
    origin = reader.origins.get((sheet, index, *_path(spec.key)))
    if origin:
        return origin[1]
    return reader.origins[(sheet, index)][1]


def _measured_doc(rows: list[dict], park: dict, reader: _Reader, problems: list[Problem]) -> dict | None:
    """The sidecar document: ``{base_year, source, park: {...}, enterprises: {id: {...}}}``."""
    if not rows:
        return None
    ids = {e.get("id") for e in park.get("enterprises", []) if isinstance(e, dict)}
    out: dict = {"base_year": park.get("base_year", 2025), "source": ""}
    sources = []
    for i, row in enumerate(rows):
        scope = row.pop("scope", None)
        where = reader.origins.get(("measured_totals", i, "scope")) or reader.origins[("measured_totals", i)]
        field = f"{where[0]}!{where[1]}" + (f" ({where[2]})" if where[2] else "")
        if src := row.pop("source", None):
            sources.append(src)
        for key, value in row.items():
            if isinstance(value, (int, float)) and value < 0:
                origin = reader.origins[("measured_totals", i, key)]
                problems.append(Problem(reader.file, f"{origin[0]}!{origin[1]} ({origin[2]})", f"expected a number ≥ 0, got {value!r}"))
        if scope is None:
            problems.append(Problem(reader.file, field, "missing scope: 'park' or an enterprise id"))
            continue
        if scope.lower() in ("park", "园区"):
            if "park" in out:
                problems.append(Problem(reader.file, field, "the park's totals are given twice"))
            out["park"] = row
        elif scope in ids:
            if scope in out.setdefault("enterprises", {}):
                problems.append(Problem(reader.file, field, f"totals of {scope!r} are given twice"))
            out["enterprises"][scope] = row
        else:
            problems.append(Problem(reader.file, field, f"unknown scope {scope!r}; expected 'park' or an enterprise id of the enterprises sheet"))
    out["source"] = "; ".join(sources)
    if not out["source"]:
        del out["source"]
    return out


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


# -- park file out -----------------------------------------------------------------------------
HEADER = """# Park file imported from the workbook {src} by `parktwin import`.
# Every quantity carries its unit in its name (see models/demo_park.yaml); check with
#   parktwin check {out}
"""

MEASURED_HEADER = """# Measured base-year totals of the park {park} (sidecar of {out}), imported from {src}.
# Compared with the model's bottom-up base year by parktwin.spec.calibration.reconcile.
# Units are in the keys: *_mwh MWh/yr, *_t t/yr, natural_gas_km3 thousand m3/yr, *_gj GJ/yr,
# energy_tce tce/yr (当量), emissions_tco2 tCO2/yr (scope 1 + location-based scope 2), water_m3 m3/yr
# (fresh water withdrawn), solid_waste_t t/yr (industrial solid waste generated).
"""


def measured_path(park_path: str | Path) -> Path:
    """The sidecar of measured totals next to a park file: ``<name>.measured.yaml``."""
    p = Path(park_path)
    return p.with_name(p.name[: -len(p.suffix)] + ".measured.yaml" if p.suffix else p.name + ".measured.yaml")


class _Dumper(yaml.SafeDumper):
    """Short lists and small mappings of plain values on one line, like the hand-written park files."""


def _represent_list(dumper: yaml.SafeDumper, data: list) -> Any:
    flow = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow or None)


def _represent_dict(dumper: yaml.SafeDumper, data: dict) -> Any:
    flow = 0 < len(data) <= 5 and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in data.values())
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=flow or None)


_Dumper.add_representer(list, _represent_list)
_Dumper.add_representer(dict, _represent_dict)


def _dump(doc: dict) -> str:
    return yaml.dump(doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False)


def import_workbook(src: str | Path, out: str | Path) -> tuple[Path, Path | None]:
    """Read ``src``, validate, write the park file ``out`` and the measured sidecar (if any).

    Both files are written to temporary files first and renamed into place only when the
    park file passes ``load_park``; on any problem nothing is left behind. A sidecar left by
    an earlier import is removed when the workbook has no measured totals any more.
    """

    src, out = Path(src), Path(out)
    doc, measured, reader = _read_workbook(src)
    out.parent.mkdir(parents=True, exist_ok=True)
    order = ["name", "description", "base_year", "location", "grid", "enterprises", "buildings", "fleets",
             "green_space", "assets", "sources"]
    doc = {k: doc[k] for k in order if k in doc} | {k: v for k, v in doc.items() if k not in order}
    texts = {out: HEADER.format(src=src.name, out=out.name) + _dump(doc)}
    side = measured_path(out)
    if measured is not None:
        texts[side] = MEASURED_HEADER.format(park=doc.get("name", ""), out=out.name, src=src.name) + _dump(measured)

    with contextlib.ExitStack() as stack:  # every file is renamed into place only if all are written and valid
        temps = {target: stack.enter_context(atomic_path(target)) for target in texts}
        for target, text in texts.items():
            temps[target].write_text(text, encoding="utf-8")
        try:
            loader.load_park(temps[out])
        except InputError as exc:  # the series files (read only now, beside ``out``); anything else names the workbook anyway
            raise InputError([Problem(_display(src), _series_cell(reader, doc, p.field, p.message) or p.field, p.message)
                              for p in exc.problems]) from None
    if measured is None and side.exists():  # a sidecar of an earlier import no longer matches
        side.unlink()
    return out, side if measured is not None else None

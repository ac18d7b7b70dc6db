"""Words on the page, in English and Chinese (the field's own terms)."""

from __future__ import annotations
from parktwin.data import table

LABELS: dict[str, dict[str, str]] = {
    "scope1": {"en": "Scope 1", "zh": "范围一"},
    "biomethane": {"en": "Biomethane", "zh": "生物天然气"},
    "purchased_hydrogen": {"en": "Purchased hydrogen", "zh": "外购氢气"},
    "scope2_market": {"en": "Scope 2 (market-based)", "zh": "范围二（基于市场）"},
    "scope2_location": {"en": "Scope 2 (location-based)", "zh": "范围二（基于位置）"},
    "removals": {"en": "Removals (green space, direct air capture)", "zh": "碳汇（绿地、直接空气捕集）"},
    "captured_stored": {"en": "CO₂ captured and stored (not emitted; already out of scope 1)",
                        "zh": "捕集并封存的CO₂（未排放，已从范围一扣除）"},
    "offsets": {"en": "Offsets", "zh": "碳抵消"},
    "net": {"en": "Net emissions", "zh": "净排放"},
    "gross_location": {"en": "Gross, location-based", "zh": "总排放（基于位置）"},
    "net_zero": {"en": "Net zero", "zh": "净零"},
    "year": {"en": "Year", "zh": "年份"},
    "emissions_axis": {"en": "Emissions [tCO₂/yr]", "zh": "排放量 [tCO₂/年]"},
    "energy_axis": {"en": "Energy use [tce/yr]", "zh": "综合能耗 [tce/年]"},
    "coal": {"en": "Coal", "zh": "煤炭"},
    "natural_gas": {"en": "Natural gas", "zh": "天然气"},
    "diesel": {"en": "Diesel", "zh": "柴油"},
    "purchased_heat": {"en": "Purchased heat", "zh": "外购热力"},
    "grid_other": {"en": "Grid electricity", "zh": "电网电力"},
    "grid_green": {"en": "Green power (contracts)", "zh": "绿电（交易/绿证）"},
    "pv": {"en": "On-site PV and wind", "zh": "园区风光发电"},
    "core_indicator": {"en": "CO₂ per energy use [tCO₂/tce]", "zh": "单位能耗碳排放 [tCO₂/tce]"},
    "clean_energy_share": {"en": "Clean-energy share [%]", "zh": "清洁能源消费占比 [%]"},
    "renewable_share": {"en": "Renewable share [%]", "zh": "可再生能源使用比例 [%]"},
    "energy_per_value_added": {"en": "Energy per value added [tce/万元]", "zh": "单位工业增加值综合能耗 [tce/万元]"},
    "threshold": {"en": "Threshold", "zh": "阈值"},
    "load": {"en": "Load", "zh": "负荷"},
    "renewable_to_load": {"en": "On-site PV and wind to load", "zh": "园区风光供电"},
    "battery_to_load": {"en": "Battery discharge", "zh": "储能放电"},
    "grid_to_load": {"en": "Grid to load", "zh": "电网供电"},
    "grid_to_battery": {"en": "Grid to battery", "zh": "电网充电"},
    "renewable_to_battery": {"en": "On-site PV and wind to battery", "zh": "风光充电"},
    "unserved": {"en": "Unserved", "zh": "未供电量"},
    "exported": {"en": "Exported PV", "zh": "光伏上网"},
    "shed": {"en": "Shed in outages", "zh": "停电切除负荷"},
    "demand": {"en": "Electricity demand", "zh": "用电需求"},
    "electricity_axis": {"en": "Electricity [GWh/yr] (below zero: not consumed)", "zh": "电量 [GWh/年]（负值：未消纳）"},
    "curtailed": {"en": "Curtailed PV", "zh": "弃光"},
    "soc": {"en": "Battery energy [MWh]", "zh": "储能电量 [MWh]"},
    "power_axis": {"en": "Power [MW]", "zh": "功率 [MW]"},
    "price": {"en": "Tariff [CNY/kWh]", "zh": "电价 [元/kWh]"},
    "week": {"en": "Week", "zh": "第{n}周"},
    "inv_renewables": {"en": "Investment: PV and wind", "zh": "投资：光伏与风电"},
    "inv_storage": {"en": "Investment: storage", "zh": "投资：储能"},
    "inv_heat": {"en": "Investment: heat pumps and e-boilers", "zh": "投资：热泵与电锅炉"},
    "inv_vehicles": {"en": "Investment: vehicles (net of diesel avoided)", "zh": "投资：车辆（扣除柴油车）"},
    "inv_hydrogen": {"en": "Investment: hydrogen", "zh": "投资：氢能"},
    "inv_ccus": {"en": "Investment: CCUS", "zh": "投资：CCUS"},
    "inv_efficiency": {"en": "Investment: efficiency", "zh": "投资：节能改造"},
    "inv_grid": {"en": "Investment: grid connection", "zh": "投资：电网接入"},
    "inv_symbiosis": {"en": "Investment: symbiosis exchanges", "zh": "投资：产业共生交换"},
    "inv_other": {"en": "Investment: other", "zh": "投资：其他"},
    "fixed_om_cny": {"en": "Fixed O&M", "zh": "固定运维"},
    "electricity_cost_cny": {"en": "Electricity bill", "zh": "电费"},
    "fuel_cost_cny": {"en": "Fuels and bought heat", "zh": "燃料与外购热"},
    "certificate_cost_cny": {"en": "Green certificates", "zh": "绿证"},
    "offsets_cost_cny": {"en": "Offsets", "zh": "碳抵消"},
    "system_cost_cny": {"en": "System cost", "zh": "系统成本"},
    "money_axis": {"en": "Cost [million CNY of 2025 / yr]", "zh": "成本 [百万元（2025年价）/年]"},
    "npv_note": {"en": "Pathway system cost, discounted at {rate:.0f} %: {bn:,.2f} bn CNY (residual value credited)",
                 "zh": "路径系统成本现值（折现率 {rate:.0f}%）：{yi:,.1f} 亿元（扣除期末残值）"},
    "stage_reached": {"en": "Stage reached", "zh": "达到阶段"},
    "blocking": {"en": "blocks the next stage", "zh": "制约下一阶段的指标"},
    "stage_none": {"en": "none yet", "zh": "尚未达到"},
    "stage_green": {"en": "Green park", "zh": "绿色园区"},
    "stage_eco_industrial": {"en": "Eco-industrial park", "zh": "生态工业园区"},
    "stage_zero_carbon": {"en": "Zero-carbon park", "zh": "零碳园区"},
    "projects_axis": {"en": "Projects started by firms (cumulative)", "zh": "企业自主项目（累计）"},
    "phase1": {"en": "1 Diagnosis", "zh": "一 诊断与规划"},
    "phase2": {"en": "2 Foundation", "zh": "二 基础能力建设"},
    "phase3": {"en": "3 Deep decarbonisation", "zh": "三 深度脱碳攻坚"},
    "phase4": {"en": "4 Optimise & neutralise", "zh": "四 优化与中和"},
    # {kgce}: data/constants.csv electricity_kgce_per_kwh_<method>
    "mix_note_equivalent": {"en": "electricity at 当量 (calorific value) {kgce:.4g} kgce/kWh", "zh": "电力按当量值 {kgce:.4g} kgce/kWh 折标"},
    "mix_note_coal_equivalent": {"en": "electricity at 等价 (coal-equivalent of generation) {kgce:.4g} kgce/kWh",
                                 "zh": "电力按等价值（发电煤耗）{kgce:.4g} kgce/kWh 折标"},
    "money_hover": {"en": "%{y:,.1f} M CNY", "zh": "%{y:,.1f} 百万元"},
}


def _sector_labels() -> dict[str, dict[str, str]]:
    """``sector_<id>`` → the sector's names in data/sectors.csv (GB/T 4754 divisions)."""

    return {f"sector_{r.sector}": {"en": str(r.name_en)[:1].upper() + str(r.name_en)[1:], "zh": str(r.name_zh)}
            for r in table("sectors").itertuples(index=False)}


LABELS.update(_sector_labels())


def t(key: str, lang: str = "en") -> str:
    """The label of ``key`` in ``lang`` (falls back to English, then to the key)."""
    entry = LABELS.get(key)
    if entry is None:
        return key
    return entry.get(lang) or entry["en"]

"""Make ``suzhou_park.xlsx``: a NEW park filled into the workbook template the way a strategist would.

    python models/examples/make_suzhou_park.py [OUT.xlsx]      # default: suzhou_park.xlsx in the current folder
    parktwin import OUT.xlsx -o my_park.yaml && parktwin check my_park.yaml

Only this script is kept in the repository, not the workbook or the park file it leads to: they are
made afresh from the current template by the test and the benchmark that use them
(tests/test_new_park_workbook.py, benchmarks/plan_parks.py), so a change of the template's columns
needs no regenerated binary, and no file of this park joins the shipped parks in models/.

"Fenghu Industrial Park" is a 12-firm park near Suzhou (Jiangsu, East China grid) that is not
one of the shipped parks: electronics, dyeing, a fine-chemicals plant with a chlor-alkali line,
a glass-fibre kiln (process CO2 from carbonates), machinery, heat treatment, plastics, food,
pharmaceuticals, a logistics firm with two diesel fleets, and the park's central wastewater plant;
offices, a dormitory and a canteen cooking on gas; seven candidate symbiosis exchanges (the
eco-industrial stage asks ≥ 6 new chain projects, data/stage_indicators.csv; with only two listed the
planner reports that indicator as what blocks the zero-carbon stage). It is the park the planning
issue's strategist brings (template -> import -> plan) and the first park of ``benchmarks/plan_parks.py``.

EVERY NUMBER IS ILLUSTRATIVE: the park, its firms and all their figures are SYNTHETIC, made up
to be plausible for their sectors; they are not data of a real park or of real firms. Magnitudes
follow the shipped demo park (models/demo_park.yaml, same region and tariff structure) at about a
quarter of its size (≈ 93,000 tce/yr, 0.49 tce/万元; below the 20万 tce/yr band of the zero-carbon core
indicator, so the model applies its ≤ 0.2 tCO2/tce line as for the logistics park). Each
firm's water, solid waste and waste heat are its sector's intensities in
src/parktwin/data/sector_resources.csv (assumptions) times its value added, the way the shipped
parks' are, rounded to 10; waste heat is a share of the firm's fuel and bought heat (GB/T 2589
calorific values of data/constants.csv).

No measured-totals sheet is filled: the park is synthetic, there is nothing measured to reconcile.
"""

from __future__ import annotations

import sys
from pathlib import Path

from parktwin.data import constant, table
from parktwin.spec.workbook import write_workbook

OUT = Path("suzhou_park.xlsx")

SYNTHETIC = "synthetic (illustrative, not a real firm)"

# The enterprises sheet, one row per firm (fields as in the park file). ALL NUMBERS SYNTHETIC.
FIRMS: list[dict] = [
    {"id": "fh_pcb", "name": "Fenghu Jingcheng Circuit Boards", "sector": "electronics", "value_added_mcny": 360, "employees": 1900,
     "energy": {"electricity_mwh": 92000, "natural_gas_km3": 900, "purchased_heat_gj": 40000}, "fuel_heat_share": 1.0,
     "roof_area_m2": 32000, "shift_pattern": "three_shift_3x8",
     "source": f"{SYNTHETIC}; PCB plating lines, gas boiler and bought steam for the baths"},
    {"id": "fh_display", "name": "Fenghu Guangyao Display Modules", "sector": "electronics", "value_added_mcny": 240, "employees": 1500,
     "energy": {"electricity_mwh": 48000}, "roof_area_m2": 24000, "shift_pattern": "three_shift_3x8",
     "source": f"{SYNTHETIC}; clean-room assembly, all electric"},
    {"id": "fh_dyeing", "name": "Fenghu Huacai Dyeing & Finishing", "sector": "textiles", "value_added_mcny": 130, "employees": 900,
     "energy": {"electricity_mwh": 26000, "natural_gas_km3": 1500, "purchased_heat_gj": 380000},
     "fuel_heat_share": 0.4, "roof_area_m2": 28000, "shift_pattern": "three_shift_3x8",
     "source": f"{SYNTHETIC}; jet dyeing on bought steam, gas-fired stenters (60 % of its gas, direct-fired, not a boiler)"},
    {"id": "fh_fine_chem", "name": "Fenghu Ruitai Fine Chemicals", "sector": "chemicals", "value_added_mcny": 220, "employees": 520,
     "energy": {"electricity_mwh": 64000, "natural_gas_km3": 5200}, "process_emissions_tco2": 5000, "fuel_heat_share": 0.85,
     "roof_area_m2": 14000, "shift_pattern": "continuous",
     "products": [{"product": "caustic_soda", "output": 24000, "unit": "t", "energy_share": 0.55,
                   "source": "synthetic: a small membrane chlor-alkali line; output chosen for a base-year unit energy "
                              "between grades 2 (315) and 3 (350 kgce/t) of GB 21257-2024"}],
     "source": f"{SYNTHETIC}; gas steam boiler, a direct-fired heater (15 %), oxidation steps releasing CO2"},
    {"id": "fh_glass_fibre", "name": "Fenghu Jinshi Glass Fibre", "sector": "building_materials", "value_added_mcny": 110,
     "employees": 420, "energy": {"electricity_mwh": 38000, "natural_gas_km3": 7800}, "process_emissions_tco2": 9000,
     "fuel_heat_share": 0.05, "roof_area_m2": 20000, "shift_pattern": "continuous",
     "products": [{"product": "glass_fibre", "output": 40000, "unit": "t", "source": "synthetic"}],
     "source": f"{SYNTHETIC}; gas-fired tank furnace with electric boosting; carbonate raw materials in the batch"},
    {"id": "fh_machinery", "name": "Fenghu Hengda Machinery", "sector": "machinery", "value_added_mcny": 320, "employees": 1600,
     "energy": {"electricity_mwh": 36000, "natural_gas_km3": 700}, "fuel_heat_share": 0.7,
     "roof_area_m2": 45000, "shift_pattern": "two_shift_2x8",
     "source": f"{SYNTHETIC}; machining and assembly, gas paint-shop ovens and a hot-water boiler"},
    {"id": "fh_heat_treat", "name": "Fenghu Jingre Heat Treatment", "sector": "metal_processing", "value_added_mcny": 70,
     "employees": 260, "energy": {"electricity_mwh": 21000, "natural_gas_km3": 2600}, "fuel_heat_share": 0.2,
     "roof_area_m2": 9000, "shift_pattern": "continuous",
     "source": f"{SYNTHETIC}; gas carburising furnaces and induction hardening"},
    {"id": "fh_plastics", "name": "Fenghu Yasu Plastic Parts", "sector": "plastics", "value_added_mcny": 100, "employees": 700,
     "energy": {"electricity_mwh": 27000}, "roof_area_m2": 26000, "shift_pattern": "three_shift_3x8",
     "source": f"{SYNTHETIC}; injection moulding for the electronics and appliance makers"},
    {"id": "fh_food", "name": "Fenghu Wuwei Food", "sector": "food", "value_added_mcny": 90, "employees": 650,
     "energy": {"electricity_mwh": 13000, "natural_gas_km3": 1900}, "fuel_heat_share": 1.0,
     "roof_area_m2": 18000, "shift_pattern": "two_shift_2x8",
     "source": f"{SYNTHETIC}; baked goods and frozen dumplings, gas steam boiler, cold stores"},
    {"id": "fh_pharma", "name": "Fenghu Kangning Pharmaceutical", "sector": "pharmaceuticals", "value_added_mcny": 180,
     "employees": 600, "energy": {"electricity_mwh": 24000, "natural_gas_km3": 1400}, "fuel_heat_share": 1.0,
     "roof_area_m2": 12000, "shift_pattern": "three_shift_3x8",
     "source": f"{SYNTHETIC}; formulation and a small synthesis workshop, gas steam boiler"},
    {"id": "fh_logistics", "name": "Fenghu Tongda Logistics", "sector": "logistics", "value_added_mcny": 60, "employees": 450,
     "energy": {"electricity_mwh": 5000}, "roof_area_m2": 55000, "shift_pattern": "continuous",
     "source": f"{SYNTHETIC}; bonded and contract warehouses for the park's firms"},
    {"id": "fh_wwtp", "name": "Fenghu Central Wastewater Treatment Plant", "sector": "wastewater_treatment", "value_added_mcny": 10,
     "employees": 40, "energy": {"electricity_mwh": 0}, "roof_area_m2": 3000, "shift_pattern": "continuous",
     "source": f"{SYNTHETIC}; treats the firms' wastewater (in their rows); electricity estimated from the treated volume"},
]

BUILDINGS: list[dict] = [  # intensities inside the ranges of data/building_stock.csv (assumptions)
    {"id": "fh_admin_centre", "name": "Park administration and service centre", "kind": "office", "floor_area_m2": 16000,
     "electricity_kwh_per_m2": 115, "roof_area_m2": 4000, "source": "assumption: HSCW-zone office EUI"},
    {"id": "fh_dormitory", "name": "Staff dormitory", "kind": "dormitory", "floor_area_m2": 36000,
     "electricity_kwh_per_m2": 48, "roof_area_m2": 6000, "source": "assumption"},
    {"id": "fh_canteen", "name": "Park canteen (≈ 4,000 meals a day)", "kind": "canteen", "floor_area_m2": 3200,
     "electricity_kwh_per_m2": 160, "natural_gas_m3_per_m2": 40, "roof_area_m2": 2200,
     "source": "assumption: kitchen gas ≈ 128 thousand m³/yr"},
]

FLEETS: list[dict] = [  # counts and mileages: assumptions; BEV consumption as in demo_park.yaml
    {"id": "fh_delivery_trucks", "name": "Tongda city-delivery light trucks", "owner": "fh_logistics",
     "vehicle": "light_truck", "count": 45, "km_per_vehicle_yr": 42000, "powertrain": "diesel",
     "diesel_l_per_100km": 13, "bev_kwh_per_km": 0.5, "source": "assumption"},
    {"id": "fh_chem_tankers", "name": "Ruitai chemical tankers", "owner": "fh_fine_chem", "vehicle": "heavy_truck",
     "count": 10, "km_per_vehicle_yr": 65000, "powertrain": "diesel", "diesel_l_per_100km": 34, "bev_kwh_per_km": 1.47,
     "source": "count and mileage assumption; BEV 1.47 kWh/km DEA 50 t semi 2025 via PyPSA technology-data"},
]

EXCHANGES: list[dict] = [  # candidate symbiosis exchanges (synthetic); a run commissions one only when both sides gain
    {"id": "kiln_heat_to_food", "supplier": "fh_glass_fibre", "receiver": "fh_food", "kind": "waste_heat",
     "quantity": 20000, "temperature_c": 300, "use_temperature_c": 150, "receiver_fuel": "natural_gas",
     "distance_km": 1.2, "capex_cny": 6000000, "opex_cny_per_yr": 150000, "lead_time_days": 300,
     "note": "waste-heat boiler on the tank-furnace exhaust; steam to the food plant's gas boiler", "source": "synthetic"},
    {"id": "wwtp_reclaimed_to_dyeing", "supplier": "fh_wwtp", "receiver": "fh_dyeing", "kind": "treated_water",
     "quantity": 150000, "distance_km": 1.5, "capex_cny": 3000000, "opex_cny_per_yr": 60000, "lead_time_days": 240,
     "note": "tertiary-treated effluent as dye-house rinse water", "source": "synthetic"},
    {"id": "dyeing_effluent_heat_to_pharma", "supplier": "fh_dyeing", "receiver": "fh_pharma", "kind": "waste_heat",
     "quantity": 10000, "temperature_c": 60, "use_temperature_c": 75, "receiver_fuel": "natural_gas", "distance_km": 0.8,
     "capex_cny": 3500000, "opex_cny_per_yr": 80000, "lead_time_days": 240,
     "note": "warm dye-house effluent lifted by a heat pump to process hot water", "source": "synthetic"},
    {"id": "pharma_cooling_to_heat_treat", "supplier": "fh_pharma", "receiver": "fh_heat_treat", "kind": "cooling_water",
     "quantity": 30000, "distance_km": 1.0, "capex_cny": 600000, "lead_time_days": 120,
     "note": "once-through cooling water reused as quench-tank make-up", "source": "synthetic"},
    {"id": "pcb_spent_etchant_acid", "supplier": "fh_pcb", "receiver": "external:acid_regeneration", "kind": "spent_acid",
     "quantity": 400, "distance_km": 50, "transport": "truck", "capex_cny": 200000, "lead_time_days": 90,
     "note": "spent sulphuric etchant regenerated instead of virgin acid", "source": "synthetic"},
    {"id": "glass_fibre_waste_to_cement", "supplier": "fh_glass_fibre", "receiver": "external:cement_plant", "kind": "residue",
     "quantity": 1500, "distance_km": 60, "transport": "truck", "capex_cny": 300000, "lead_time_days": 90,
     "note": "waste fibre and cullet as a raw-meal component instead of landfill", "source": "synthetic"},
    {"id": "food_residue_to_feed", "supplier": "fh_food", "receiver": "external:feed_mill", "kind": "residue",
     "quantity": 500, "distance_km": 25, "transport": "truck", "capex_cny": 150000, "lead_time_days": 60,
     "note": "dough and vegetable trimmings to a feed mill", "source": "synthetic"},
]


def heat_input_gj(energy: dict) -> float:
    """Fuel and bought heat of a firm [GJ/yr] (GB/T 2589 calorific values, data/constants.csv)."""
    return (energy.get("coal_t", 0) * constant("coal_ncv_gj_per_t")
            + energy.get("natural_gas_km3", 0) * constant("natural_gas_ncv_gj_per_km3")
            + energy.get("purchased_heat_gj", 0))


def resources(firm: dict) -> dict:
    """The firm's water, solid waste and waste heat: its sector's intensities (data/sector_resources.csv) × value added."""
    row = table("sector_resources").set_index("sector").loc[firm["sector"]]
    va_10k = firm["value_added_mcny"] * 100  # 万元
    note = f"assumption: {firm['sector']} intensities of data/sector_resources.csv x value added"
    fresh = round(va_10k * row["fresh_water_m3_per_10k_cny"], -1)
    reused = round(fresh * row["water_reuse_share"] / (1 - row["water_reuse_share"]), -1)  # reuse share of total use
    wastewater = 0.0 if firm["sector"] == "wastewater_treatment" else round(fresh * row["wastewater_share_of_fresh"], -1)
    generated = round(va_10k * row["solid_waste_t_per_10k_cny"], -1)
    available = round(heat_input_gj(firm["energy"]) * row["waste_heat_share_of_heat_input"], -1)
    return {
        "water": {"fresh_water_m3": fresh, "reused_water_m3": reused,
                  "reclaimed_water_m3": round(wastewater * row["reclaimed_share_of_wastewater"], -1),
                  "wastewater_m3": wastewater, "source": note},
        "solid_waste": {"generated_t": generated, "utilised_t": round(generated * row["solid_waste_use_share"], -1),
                        "source": note},
        "waste_heat": {"available_gj": available, "temperature_c": float(row["waste_heat_temperature_c"]),
                       "recovered_gj": round(available * row["waste_heat_recovered_share"], -1),
                       "source": note + " (share of fuel and bought heat)"},
    }


def enterprises() -> list[dict]:
    """The twelve firms with their resource data; the wastewater plant's electricity from the treated volume."""
    firms = [firm | resources(firm) for firm in FIRMS]
    treated_m3 = sum(f["water"]["wastewater_m3"] for f in firms)
    for firm in firms:
        if firm["sector"] == "wastewater_treatment":  # unmetered: treated m³ × 0.45 kWh/m³ (data/constants.csv)
            mwh = round(treated_m3 * constant("wwtp_electricity_kwh_per_m3") / 1000, -1)
            firm["energy"] = {"electricity_mwh": mwh}
    return firms


def park() -> dict:
    """The park document, restricted to what the workbook template holds."""
    return {
        "name": "Fenghu Industrial Park (synthetic, Suzhou-like)",
        "description": ("A synthetic 12-firm mixed industrial park near Suzhou, Jiangsu (East China grid): electronics, "
                        "dyeing, fine chemicals, a glass-fibre kiln, machinery, heat treatment, plastics, food, pharmaceuticals, "
                        "logistics and the central wastewater plant. Every number is illustrative, not data of a real park."),
        "base_year": 2025,
        "location": {"latitude_deg": 31.4, "longitude_deg": 120.5, "altitude_m": 5, "timezone": "Asia/Shanghai",
                     "grid_region": "east_china", "annual_ghi_kwh_per_m2": 1300, "mean_temp_c": 16.5,
                     "temp_annual_amplitude_c": 12.0, "temp_diurnal_amplitude_c": 4.0,
                     "climate_source": "assumption: the demo park's Suzhou values (GHI inside the 丰富 grade of GB/T 31155-2014)"},
        "grid": {
            # ≈ 0.45 TWh/yr ÷ 8760 h × 1.5 ≈ 77 MW (the demo park's rule of thumb); 90 MW leaves room to electrify
            "import_limit_kw": 90000, "export_limit_kw": 0, "feed_in_price_cny_per_kwh": 0.39,
            "tariff": {"valley_hours": [0, 1, 2, 3, 4, 5, 6, 7], "flat_hours": [11, 12, 13, 14, 15, 16, 22, 23],
                       "peak_hours": [8, 9, 10, 17, 18, 19, 20, 21], "critical_hours": [20, 21], "critical_months": [7, 8],
                       "price_cny_per_kwh": {"valley": 0.28, "flat": 0.65, "peak": 1.12, "critical": 1.34},
                       "demand_charge_cny_per_kw_month": 40,
                       "source": ("NDRC 发改价格〔2021〕1093号 structure (peak:valley ≥ 4:1, critical peak); periods and prices "
                                  "are the demo park's Jiangsu-like assumptions")},
        },
        "enterprises": enterprises(),
        "buildings": BUILDINGS,
        "fleets": FLEETS,
        "exchanges": EXCHANGES,
        "green_space": {"area_ha": 25, "crown_cover_share": 0.3},
        "assets": {"pv_kwp": 3000, "battery_kwh": 0, "battery_kw": 0},
        "pv_design": {"tilt_deg": 20, "azimuth_deg": 180, "system_losses_share": 0.14, "kwp_per_roof_m2": 0.15},
        "sources": [
            ("SYNTHETIC PARK: every firm, name and number is illustrative, made up to be plausible for its sector "
             "(models/examples/make_suzhou_park.py); not data of a real park or of real firms."),
            "Water, solid waste and waste heat: sector intensities of data/sector_resources.csv (assumptions) x value added.",
            "Fuel calorific values GB/T 2589 (data/constants.csv); East China grid factor, MEE & NBS (data/grid_factors.csv).",
        ],
    }


def main(out: Path = OUT) -> Path:
    return write_workbook(park(), out)


if __name__ == "__main__":
    print(f"wrote {main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)}")

"""A park that is not shipped, through the strategist's path: template filled -> import -> check -> base year.

The park is made by models/examples/make_suzhou_park.py (12 synthetic firms near Suzhou); nothing of it
is in models/. Planning it is benchmarks/plan_parks.py's job, not this test's.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import openpyxl
import pytest
from conftest import write_yaml

import parktwin
from parktwin.cli import main
from parktwin.spec.load import load_park
from parktwin.spec.park import Park

REPO = Path(__file__).resolve().parents[1]
MAKER = REPO / "models" / "examples" / "make_suzhou_park.py"


def _maker():
    spec = importlib.util.spec_from_file_location("make_suzhou_park", MAKER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> tuple[Path, object]:
    folder = tmp_path_factory.mktemp("suzhou")
    maker = _maker()
    xlsx = maker.main(folder / "suzhou_park.xlsx")
    assert main(["import", str(xlsx), "-o", str(folder / "suzhou_park.yaml")]) == 0
    return folder / "suzhou_park.yaml", maker


def test_the_filled_workbook_imports_and_checks_clean_with_every_indicator_assessable(imported, capsys):
    path, _ = imported
    capsys.readouterr()
    assert main(["check", str(path)]) == 0
    out = capsys.readouterr()
    assert "OK — 12 enterprises, 3 buildings, 2 fleets" in out.out
    assert "data gap" not in out.out + out.err  # water, waste, waste heat and products given for every firm
    assert not path.with_suffix(".measured.yaml").exists()  # nothing measured: the park is synthetic


def test_the_template_holds_everything_the_strategist_typed(imported):
    path, maker = imported
    wb = openpyxl.load_workbook(path.with_suffix(".xlsx"))
    assert [wb[s].max_row - 1 for s in ("enterprises", "buildings", "fleets", "exchanges", "products")] == [12, 3, 2, 7, 2]
    # the imported park equals the document the generator wrote: no field was dropped on the way
    assert load_park(path) == Park.model_validate(maker.park())


def test_base_year_totals_equal_the_hand_sums(imported, tmp_path):
    """Hand sums of the generator's numbers (GB/T 2589 factors of data/constants.csv):
    electricity 394,500 MWh (firms) + 16,000×115 + 36,000×48 + 3,200×160 kWh (buildings) = 398,580 MWh;
    gas 22,000 + 3,200×40/1000 = 22,128 km3; bought heat 420,000 GJ; fleet diesel
    45×42,000×13/100×0.84 + 10×65,000×34/100×0.84 kg = 392.028 t;
    energy 398,580×0.1229 + 22,128×1.33 + 420,000×0.0341 + 392.028×1.4571 = 93,308.9 tce.
    The wastewater plant's electricity is the firms' 1,115,900 m³ × 0.45 kWh/m³ = 502 MWh, rounded to 500."""
    path, _ = imported
    firms = {e.id: e for e in load_park(path).enterprises}
    assert sum(e.water.wastewater_m3 for e in firms.values()) == 1115900
    assert firms["fh_wwtp"].energy.electricity_mwh == 500
    scenario = write_yaml(tmp_path / "base.yaml", {"name": "base", "park": str(path), "horizon_years": 1,
                                                  "outputs": {"hourly_years": []}})
    year = parktwin.run(parktwin.load(scenario), seed=0).year(2025)
    assert year["electricity_demand_mwh"] == pytest.approx(398580)
    assert year["energy_tce"] == pytest.approx(93308.9, abs=0.1)
    assert year["core_threshold_tco2_per_tce"] == 0.2  # below 20万 tce/yr: the ≤ 0.2 line applies

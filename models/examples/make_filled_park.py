"""Make ``filled_park.xlsx``: the park workbook template filled from ``models/small_park.yaml``.

Run from the repository root:  python models/examples/make_filled_park.py

The measured totals written into its ``measured_totals`` sheet are the hand check in the
header of small_park.yaml (the park's bottom-up totals, rounded): ILLUSTRATIVE, not real
measurements. ``parktwin import models/examples/filled_park.xlsx -o <dir>/small.yaml`` gives
back the small park (and ``small.measured.yaml``).
"""

from __future__ import annotations

import sys
from pathlib import Path

from parktwin.spec.workbook import write_workbook

HERE = Path(__file__).resolve().parent
PARK = HERE.parent / "small_park.yaml"
OUT = HERE / "filled_park.xlsx"

MEASURED = {
    "base_year": 2025,
    "source": "illustrative: the hand check of small_park.yaml, not real measurements",
    "park": {
        "electricity_mwh": 111300,      # firms 110,000 + buildings 1,300
        "coal_t": 10000,
        "natural_gas_km3": 3240,        # firms 3,200 + canteen 40
        "diesel_t": 168,                # fleets 200,000 L × 0.84 kg/L
        "purchased_heat_gj": 200000,
        "energy_tce": 32196,
    },
    "enterprises": {
        "lake_chemicals": {"electricity_mwh": 20000, "coal_t": 10000},
        "river_dyeing": {"electricity_mwh": 10000, "purchased_heat_gj": 200000},
    },
}


def main(out: Path = OUT) -> Path:
    return write_workbook(PARK, out, measured=MEASURED)


if __name__ == "__main__":
    print(f"wrote {main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)}")

"""Make ``chip_assembly_2025_15min.csv``: a SYNTHETIC 15-minute meter series for the example
park ``metered_park.yaml`` (the small park with Chip Assembly metered).

Run from the repository root:  python models/examples/make_metered_load.py

The values are invented: the model's own three-shift load shape for 2025 scaled to Chip
Assembly's 40,000 MWh, each 15-minute reading varied by a seeded ±5 % and rounded to 0.1 kWh.
Two hours (8 readings, 12 March 10:00-12:00) are left out, as a meter outage would: the park
file fills them by linear interpolation and the run reports the fill.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from parktwin.energy.loads import profile

HERE = Path(__file__).resolve().parent
OUT = HERE / "chip_assembly_2025_15min.csv"
ANNUAL_KWH = 40_000_000.0  # Chip Assembly's electricity_mwh in small_park.yaml
NOISE_SHARE = 0.05
GAP = ("2025-03-12 10:00", "2025-03-12 12:00")


def main(out: Path = OUT) -> Path:
    hourly_kwh = ANNUAL_KWH * profile("three_shift_3x8", 2025)
    rng = np.random.default_rng(2025)
    quarter_kwh = np.repeat(hourly_kwh / 4.0, 4) * (1.0 + rng.uniform(-NOISE_SHARE, NOISE_SHARE, hourly_kwh.size * 4))
    stamps = pd.date_range("2025-01-01", periods=quarter_kwh.size, freq="15min")
    frame = pd.DataFrame({"timestamp": stamps.strftime("%Y-%m-%d %H:%M"), "energy_kwh": np.round(quarter_kwh, 1)})
    frame = frame[~((stamps >= GAP[0]) & (stamps < GAP[1]))]
    with out.open("w", encoding="utf-8", newline="") as f:
        f.write("# SYNTHETIC 15-minute meter readings of Chip Assembly (small park), 2025, Asia/Shanghai, kWh per interval;"
                " made by make_metered_load.py\n")
        frame.to_csv(f, index=False, lineterminator="\n")
    return out


if __name__ == "__main__":
    print(main())

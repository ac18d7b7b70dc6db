"""The holes a hostile user found (issue "what check passes must run, nothing half-written"): each
is closed and stays closed — encodings, seeds, id types, silent coercions, infinities and ranges,
a run failing part-way, atomic CSVs under kill -9, Monte Carlo workers dying with their parent,
stale temporary run folders, measured-totals files under `check`."""

from __future__ import annotations

import json
import math
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import write_yaml

import parktwin
from parktwin.cli import main
from parktwin.experiments.executors import START_METHOD
from parktwin.kernel.failure import RunFailed, check_finite, may_hold_infinity
from parktwin.spec.errors import SEED_MAX, InputError
from parktwin.spec.load import load

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"


def refused(path, overrides) -> list:
    with pytest.raises(InputError) as excinfo:
        load(path, overrides)
    return excinfo.value.problems


# -- encodings ---------------------------------------------------------------------------------------
def test_a_gbk_yaml_is_read(tmp_path, small_park_dict, small_scenario_dict):
    # Chinese Windows editors (Notepad before 2019, WPS) save GBK; GB18030 decodes it
    write_yaml(tmp_path / "park.yaml", small_park_dict)
    text = yaml.safe_dump({**small_scenario_dict, "name": "测试情景", "description": "园区零碳路径"}, allow_unicode=True)
    path = tmp_path / "scenario.yaml"
    path.write_bytes(text.encode("gbk"))
    assert load(path).scenario.name == "测试情景"


def test_a_file_in_no_known_encoding_is_refused_naming_file_and_encodings(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_bytes(b"name: \xff\xfe\x80\x81\n")
    (problem,) = refused(path, [])
    assert problem.file == str(path) and "UTF-8" in problem.message and "GB18030" in problem.message


# -- seeds -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("command", ["run", "mc"])
@pytest.mark.parametrize("seed", ["-1", str(SEED_MAX + 1), "1.5"])
def test_a_bad_seed_is_refused_naming_the_option(command, seed, small_scenario_path, capsys):
    with pytest.raises(SystemExit) as excinfo:
        main([command, str(small_scenario_path), "--seed", seed])
    assert excinfo.value.code == 2
    assert "--seed" in capsys.readouterr().err


def test_the_api_refuses_a_bad_seed_naming_it(small_scenario_path):
    with pytest.raises(InputError, match="seed"):
        parktwin.run(small_scenario_path, seed=-1)
    with pytest.raises(InputError, match="batch seed"):
        parktwin.run_batch(small_scenario_path, n=1, seed=2**64, executor="serial")


def test_the_largest_seed_is_a_seed(small_scenario_path):
    from parktwin.spec.errors import check_seed

    assert check_seed(SEED_MAX) == SEED_MAX
    np.random.SeedSequence(SEED_MAX)  # numpy takes it


# -- types -------------------------------------------------------------------------------------------
def test_an_enterprise_id_of_the_wrong_type_is_a_clear_error(small_scenario_path, capsys):
    assert main(["check", str(small_scenario_path), "--set", "park.enterprises.0.id={}"]) == 2
    err = capsys.readouterr().err
    assert "enterprises.0.id: Input should be a valid string" in err and "Traceback" not in err


@pytest.mark.parametrize("override, field, words", [
    ("outputs.hourly_years=[2025.0, 2026]", "outputs.hourly_years", "whole number"),
    ("roadmap.0.year=2027.0", "roadmap.0.year", "whole number"),
    ("offsets.start_year=true", "offsets.start_year", "boolean"),
    ("horizon_years=false", "horizon_years", "boolean"),
    ("park.grid.import_limit_kw=true", "grid.import_limit_kw", "boolean"),
    ("park.enterprises.0.employees=12.0", "enterprises.0.employees", "whole number"),
])
def test_floats_as_whole_numbers_and_booleans_as_numbers_are_refused_naming_the_field(small_scenario_path, override, field, words):
    (problem,) = refused(small_scenario_path, [override])
    assert problem.field == field and words in problem.message


@pytest.mark.parametrize("override, field", [
    ("park.grid.import_limit_kw=.inf", "grid.import_limit_kw"),
    ("park.grid.import_limit_kw=.nan", "grid.import_limit_kw"),
    ('park.grid.import_limit_kw="1e999"', "grid.import_limit_kw"),  # overflows to infinity when read
    ("growth.by_sector_share_per_yr.chemicals=1e999", "growth.by_sector_share_per_yr.chemicals"),  # YAML reads a string
    ("carbon_price_cny_per_tco2.2030=-.inf", "carbon_price_cny_per_tco2.2030"),
])
def test_infinities_are_refused_in_every_numeric_field_nested_ones_too(small_scenario_path, override, field):
    (problem,) = refused(small_scenario_path, [override])
    assert problem.field == field and "finite" in problem.message


def test_a_number_beyond_its_range_is_refused_with_the_range_and_why(small_scenario_path):
    (problem,) = refused(small_scenario_path, ["park.grid.tariff.price_cny_per_kwh.critical=1e300"])
    assert problem.field == "grid.tariff.price_cny_per_kwh"
    assert "critical: 1e+300 is outside 0..10 CNY/kWh" in problem.message and "input-ranges.md" in problem.message


def test_full_width_digits_are_read_as_numbers(small_scenario_path):
    # people type them with a Chinese input method on; "１２" is 12, "０．５" is 0.5
    sc = load(small_scenario_path, ['horizon_years="５"', 'growth.default_share_per_yr="０．０２"', 'outputs.hourly_years=["２０２６"]']).scenario
    assert sc.horizon_years == 5 and sc.growth.default_share_per_yr == 0.02 and sc.outputs.hourly_years == [2026]


def test_every_numeric_input_has_a_finite_stated_range():
    from parktwin.spec.calibration import Measured
    from parktwin.spec.park import Park
    from parktwin.spec.ranges import effective_range, numeric_fields
    from parktwin.spec.scenario import Scenario

    fields = numeric_fields(Park, Scenario, Measured)
    assert len(fields) > 200
    open_ended = [f"{m.__name__}.{n}" for m, n in fields if not all(map(math.isfinite, effective_range(m, n)))]
    assert open_ended == []


def test_the_json_schema_carries_the_ranges():
    from parktwin.spec.schema import park_schema

    grid = park_schema()["$defs"]["GridConnection"]["properties"]["import_limit_kw"]
    assert grid["maximum"] == 1e8 and grid["exclusiveMinimum"] == 0 and "x-range-justification" in grid


def test_a_normal_uncertain_input_is_truncated_to_its_range(small_scenario_path):
    from parktwin.experiments.design import make_design, truncated_to_ranges

    loaded = load(small_scenario_path, ["uncertainty.g.path=growth.default_share_per_yr", "uncertainty.g.dist=normal",
                                        "uncertainty.g.mean=0.4", "uncertainty.g.std=0.3"])
    unc = truncated_to_ranges(loaded)
    assert (unc.root["g"].low, unc.root["g"].high) == (-0.5, 0.5)  # Growth.default_share_per_yr bounds
    samples = make_design(unc, "lhs", 400, 0).samples["g"]
    assert samples.between(-0.5, 0.5).all() and samples.max() > 0.45


# -- a run that fails part-way -----------------------------------------------------------------------
def test_a_failure_mid_run_names_year_stage_and_inputs_and_stores_nothing(small_scenario_path, tmp_path, monkeypatch, capsys):
    import parktwin.energy.dispatch as dispatch
    import parktwin.kernel.year as year_stages

    # a function living in energy.dispatch (as a real dispatch bug would) that fails
    exec("def failing_dispatch(*args, **kwargs):\n    raise ZeroDivisionError('float division by zero')", vars(dispatch))
    monkeypatch.setattr(year_stages, "dispatch_rule_based", dispatch.failing_dispatch)
    out = tmp_path / "runs"
    code = main(["run", str(small_scenario_path), "--out", str(out), "--no-report"])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    assert "stopped in 2025, in the year's 'electricity' stage" in err and "'hourly electricity dispatch'" in err and "park.grid" in err
    assert not out.exists() or not any(out.iterdir())
    del dispatch.failing_dispatch


# -- half-written files ------------------------------------------------------------------------------
CSV_WRITER = """
import sys
import pandas as pd
from parktwin.results.workbook import write_csv_tables

class Tables:
    def tables(self):
        return {"hourly": pd.DataFrame({"a": range(300_000), "b": 1.5})}

print("ready", flush=True)
while True:
    write_csv_tables(Tables(), sys.argv[1])
"""


def test_report_csvs_are_whole_or_absent_after_kill_9(tmp_path):
    script = tmp_path / "writer.py"
    script.write_text(CSV_WRITER)
    folder = tmp_path / "csv"
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    for delay in (0.3, 0.7, 1.1):
        proc = subprocess.Popen([sys.executable, str(script), str(folder)], env=env, stdout=subprocess.PIPE)
        assert proc.stdout.readline().strip() == b"ready"
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
        final = folder / "hourly.csv"
        if final.exists():  # never a truncated file under the final name
            assert len(pd.read_csv(final, encoding="utf-8-sig")) == 300_000


def test_stale_temporary_run_folders_are_removed_by_the_next_run(tmp_path, small_scenario_path):
    from parktwin.results.store import OWNER_FILE, owner

    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    out = tmp_path / "runs"
    stale, live, foreign, old = (out / f".r.{k}.tmp" for k in ("stale", "live", "foreign", "old"))
    for folder, who in ((stale, {"host": socket.gethostname(), "pid": gone.pid}), (live, owner()),
                        (foreign, {"host": "another-host", "pid": gone.pid}), (old, None)):
        folder.mkdir(parents=True)
        if who:
            (folder / OWNER_FILE).write_text(json.dumps(who))
    results = parktwin.run(small_scenario_path, seed=0)
    final = parktwin.save(results, out, report=False)
    assert not stale.exists()
    assert live.exists() and foreign.exists() and old.exists()  # alive, another host's, or not ours to judge
    assert not (final / OWNER_FILE).exists()


# -- orphans -----------------------------------------------------------------------------------------
POOL = """
import os, sys, time
from dataclasses import dataclass

@dataclass(frozen=True)
class Task:
    index: int

def slow(task):
    time.sleep(120 if task.index else 0)  # the first task may run here, before the pool forks (executors.warm_first)

if __name__ == "__main__":
    from parktwin.experiments.executors import execute
    for _ in execute(slow, [Task(i) for i in range(4)], executor="processes", workers=2,
                     on_ready=lambda _: print("ready", flush=True)):
        pass
"""


def children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")
def test_pool_workers_and_the_resource_tracker_exit_when_the_parent_is_killed(tmp_path):
    script = tmp_path / "pool.py"
    script.write_text(POOL)
    proc = subprocess.Popen([sys.executable, str(script)], env={**os.environ, "PYTHONPATH": str(SRC)}, stdout=subprocess.PIPE)
    assert proc.stdout.readline().strip() == b"ready"
    expected = 2 if START_METHOD == "fork" else 3  # two workers, and with spawn the resource tracker
    deadline = time.time() + 120
    while len(kids := children(proc.pid)) < expected and time.time() < deadline:
        time.sleep(0.2)
    assert len(kids) >= expected
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
    deadline = time.time() + 120  # a worker still importing parktwin (seconds on a loaded machine) exits once it has
    while any(alive(k) for k in kids) and time.time() < deadline:
        time.sleep(0.2)
    left = [k for k in kids if alive(k)]
    for k in left:  # do not leave them behind if the test fails
        os.kill(k, signal.SIGKILL)
    assert left == []


# -- shipped files -----------------------------------------------------------------------------------
def test_check_passes_on_every_shipped_park_measured_totals_and_scenario_file(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    files = sorted(str(p.relative_to(ROOT)) for p in (*ROOT.glob("models/*.yaml"), *ROOT.glob("scenarios/*.yaml")))
    assert "models/demo_park.measured.yaml" in files
    assert main(["check", *files]) == 0
    assert "models/demo_park.measured.yaml: measured totals OK" in capsys.readouterr().out


def test_a_measured_totals_file_with_an_unknown_firm_is_refused(tmp_path, small_park_dict):
    write_yaml(tmp_path / "p.yaml", small_park_dict)
    write_yaml(tmp_path / "p.measured.yaml", {"enterprises": {"nobody": {"electricity_mwh": 1.0}}})
    assert main(["check", str(tmp_path / "p.measured.yaml")]) == 2


def test_an_interrupt_inside_compiled_code_stays_an_interrupt():
    """Ctrl-C while numba code runs surfaces as a SystemError whose context is the KeyboardInterrupt:
    year_stage must let the interrupt through (the batch then says how to resume), not report a failed run."""
    from parktwin.kernel.failure import year_stage

    with pytest.raises(KeyboardInterrupt):
        with year_stage(lambda: (2025, "in the year's 'electricity' stage")):
            try:
                raise KeyboardInterrupt
            except KeyboardInterrupt:
                raise SystemError("CPUDispatcher(...) returned a result with an exception set")


def test_check_finite_names_the_infinite_columns_and_passes_finite_rows():
    """The last guard before a run is stored (kernel/failure.py): ±inf among a row's values fails
    naming the year and the columns; NaN (not assessed), strings, bools, ints and arrays pass; the
    first row holding an infinity (a float or a numpy float) is the one refused."""
    finite = {"year": 2030, "phase_key": "green", "core_met": True, "x": math.nan, "y": np.float64(2.5), "a": np.arange(3.0)}
    check_finite([finite, dict(finite, year=2031)])
    assert may_hold_infinity({"a": np.arange(3.0)})  # an array cannot say: the detailed check looks
    assert not may_hold_infinity({"s": "inf", "n": math.nan, "i": 10**400})
    for bad in (math.inf, -math.inf, np.float64(-np.inf)):
        with pytest.raises(RunFailed, match=r"infinite b_mwh, c_cny"):
            check_finite([finite, {"year": 2031, "c_cny": bad, "b_mwh": bad, "ok": 1.0}])
    fine = {"year": 2025, "stage": "green_park", "core_met": True, "x_mwh": 1.5, "share": float("nan"), "n": 3, "y": np.float64(2.0)}
    check_finite([fine, dict(fine, year=2026)])
    with pytest.raises(RunFailed, match="2027") as failed:
        check_finite([fine, dict(fine, year=2027, x_mwh=float("inf"), y=np.float64(-np.inf)), dict(fine, year=2028, n=float("inf"))])
    assert "infinite x_mwh, y" in str(failed.value)

"""Static export of the registered figures (parktwin.viz.export) and ``parktwin report``.

The export draws in a Chrome or Chromium through kaleido. Without one these tests skip with the
reason — or fail where PARKTWIN_REQUIRE_BROWSER=1 (CI), by the browser tests' own rule.
"""

from __future__ import annotations

import struct
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from browser.conftest import _browser_unavailable  # skip locally, fail in CI: one rule for every browser test
from conftest import SMALL_PARK, SMALL_SCENARIO, write_yaml

import parktwin
from parktwin.cli import main
from parktwin.results.tables import Results
from parktwin.viz.export import ExportError, export_figures, find_chromium
from parktwin.viz.registry import registered


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> Results:
    folder = tmp_path_factory.mktemp("small")
    write_yaml(folder / "park.yaml", SMALL_PARK)
    return parktwin.run(write_yaml(folder / "scenario.yaml", SMALL_SCENARIO), seed=0)


@pytest.fixture(scope="module")
def run_dir(results, tmp_path_factory) -> Path:
    return parktwin.save(results, tmp_path_factory.mktemp("runs"))


@pytest.fixture(scope="module")
def chromium() -> str:
    path = find_chromium()
    if path is None:
        _browser_unavailable("no Chrome or Chromium for the static export (kaleido draws in one)")
    return path


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG signature"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_figures_as_png_svg_pdf_in_one_session(results, tmp_path, chromium):
    keys = ["emissions", "dispatch_week"]  # (every figure: the CLI test below)
    done = export_figures(results, tmp_path / "figures", formats=("png", "svg", "pdf"), keys=keys)
    assert sorted(p.name for p in done.paths) == sorted(f"{k}-en.{f}" for k in keys for f in ("png", "svg", "pdf"))
    print(f"\nstatic export: {len(done.paths)} images in {done.seconds:.1f} s ({done.seconds_per_image:.2f} s each)")
    for path in done.paths:
        data = path.read_bytes()
        if path.suffix == ".png":
            assert _png_size(data) == (1200, 600), path.name
            assert len(data) > 10_000, path.name
        elif path.suffix == ".svg":
            root = ET.fromstring(data)
            assert root.tag.endswith("svg"), path.name
            assert b"<svg" in data[:400]
        else:
            assert data.startswith(b"%PDF"), path.name
            assert len(data) > 5_000, path.name
    svg = (tmp_path / "figures" / "emissions-en.svg").read_text(encoding="utf-8")
    assert "Emissions by scope against net zero" in svg  # the registry's title is on the slide
    assert "updatemenu" not in (tmp_path / "figures" / "dispatch_week-en.svg").read_text(encoding="utf-8")


def test_cli_report_exports_every_figure_in_chinese(run_dir, tmp_path, chromium, capsys):
    assert main(["report", str(run_dir), "--lang", "zh", "--export", "png", "--export-dir", str(tmp_path / "f"),
                 "--scale", "2", "--width", "800", "--height", "400"]) == 0
    out = capsys.readouterr().out
    stored = parktwin.read_run(run_dir)
    shown = [spec for spec in registered() if spec.build(stored, "zh") is not None]  # some figures need data the run lacks
    assert f"exported {len(shown)} images" in out
    assert "report:" not in out  # --export alone: no HTML
    for spec in shown:
        png = (tmp_path / "f" / f"{spec.key}-zh.png").read_bytes()
        assert _png_size(png) == (1600, 800) and len(png) > 10_000, spec.key


def test_cli_report_exports_the_figures_named(run_dir, tmp_path, chromium, capsys):
    """--figures names the slides: a set and a key; nothing else is written."""
    from parktwin.viz.figure_sets import figure_keys

    assert main(["report", str(run_dir), "--export", "svg", "--figures", "slides,sankey_carbon",
                 "--export-dir", str(tmp_path / "s")]) == 0
    stored = parktwin.read_run(run_dir)
    wanted = [k for k in figure_keys("slides,sankey_carbon") if next(s for s in registered() if s.key == k).build(stored, "en") is not None]
    assert sorted(p.name for p in (tmp_path / "s").iterdir()) == sorted(f"{k}-en.svg" for k in wanted)
    assert f"exported {len(wanted)} images" in capsys.readouterr().out


def test_no_browser_says_what_to_install(results, tmp_path, monkeypatch):
    monkeypatch.setenv("PARKTWIN_CHROMIUM", str(tmp_path / "no-such-browser"))
    with pytest.raises(ExportError, match="apt-get install chromium"):
        export_figures(results, tmp_path, formats=("png",))


def test_unknown_format_key_or_language(results, tmp_path):
    with pytest.raises(ValueError, match="formats"):
        export_figures(results, tmp_path, formats=("gif",))
    with pytest.raises(ValueError, match="no registered figure"):
        export_figures(results, tmp_path, keys=["nope"])
    with pytest.raises(ValueError, match="lang"):
        export_figures(results, tmp_path, lang="fr")


def test_cli_report_rejects_unknown_formats(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["report", str(tmp_path), "--export", "png,gif"])
    assert exc.value.code == 2
    assert "png,svg,pdf" in capsys.readouterr().err


def test_cli_report_rerenders_a_stored_run_in_chinese(run_dir, tmp_path, capsys):
    assert main(["report", str(run_dir), "--lang", "zh"]) == 0
    page = (run_dir / "report-zh.html").read_text(encoding="utf-8")
    assert "单位能耗碳排放" in page and 'lang="zh-CN"' in page
    out = tmp_path / "elsewhere" / "r.html"
    assert main(["report", str(run_dir), "--out", str(out)]) == 0
    assert "Park transition pathway" in out.read_text(encoding="utf-8")
    assert main(["report", str(tmp_path / "missing")]) == 2
    assert "not a complete run" in capsys.readouterr().err

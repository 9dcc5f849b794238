"""`hopspin reproduce --quick` writes the report, figures and data (the main job, end to end)."""

import csv
import subprocess
import sys

import pytest


# The README's first command and the first step of .ci/run are this very run (~2.5-3.5 min); marked slow so that
# the default test run stays within its ~10 min budget (588-682 s measured with it on 2026-12-01).
@pytest.mark.slow
def test_reproduce_quick(tmp_path):
    out = subprocess.run([sys.executable, "-m", "hopspin", "reproduce", "--quick", "--out", str(tmp_path)],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    for name in ("report.md", "report.html", "fig4_spin_currents.png", "fig4_spin_currents.pdf",
                 "f_vs_density.png", "fig4.csv", "f_vs_density.csv", "triangle.csv", "checks.csv", "paper_vs_run.csv"):
        assert (tmp_path / name).stat().st_size > 0, name
    report = (tmp_path / "report.md").read_text()
    assert "Paper vs this run" in report and "![" in report
    assert "data:image/png;base64," in (tmp_path / "report.html").read_text()
    with open(tmp_path / "checks.csv") as fh:
        assert all(row["passed"] == "True" for row in csv.DictReader(fh))
    with open(tmp_path / "fig4.csv") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:  # f = f_dr + f_diff in the data behind the figure
        assert abs(float(row["f"]) - float(row["f_dr"]) - float(row["f_diff"])) <= 1e-12 * abs(float(row["f_dr"]))

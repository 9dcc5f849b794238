"""The README's library example runs as written and gives labelled, unit-carrying results."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_readme_library_example_runs():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## As a library"):]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    env: dict = {}
    exec(compile(code, "README.md", "exec"), env)  # noqa: S102 - the documented example itself
    ds = env["ds"]
    assert set(ds.dims) == {"tau_s"} and ds["f"].attrs["units"] == "1" and ds["tau_s"].attrs["units"] == "tau_0"
    assert ds.attrs["site_density"] == 0.01 and ds.attrs["hopspin_version"]
    assert float(ds["f"].sel(tau_s=0.0)) == float(ds["f_dr"])
    assert env["t"].onsager_error < 1e-9 and env["o"].ok
    assert env["e"]["s"] > 0 and env["kc"].W[2] != 0

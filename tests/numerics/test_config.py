"""One configuration object validated in one place, and one result schema behind every output."""

import dataclasses
import json
import math

import numpy as np
import pytest

import hopspin
from hopspin.errors import HopspinError, ParameterError
from numerics.config import SimulationConfig, resolve_config


def test_defaults_overrides_and_replace():
    cfg = SimulationConfig(site_density=0.02, sites=3000, tau_s=[0, 1e3, math.inf])
    assert cfg.tau_s == (0.0, 1e3, math.inf) and cfg.seed == 0 and cfg.engine == "multifrontal"
    other = cfg.replace(seed=4, tau_s=5.0)
    assert other.seed == 4 and other.tau_s == (5.0,) and cfg.seed == 0      # frozen: cfg unchanged
    with pytest.raises(dataclasses.FrozenInstanceError):
        cfg.seed = 3
    assert resolve_config(cfg, {}) is cfg
    assert resolve_config(None, {"sites": 2500}).sites == 2500
    assert cfg.beta is None and np.array_equal(cfg.beta_matrix, [[0, 1], [1, 0], [0, 0]])
    assert SimulationConfig(beta="rd:0.5,1").beta == ((0.0, 1.5), (0.5, 0.0), (0.0, 0.0))
    assert SimulationConfig(sites=20000.0).sites == 20000   # an integral float is an integer


@pytest.mark.parametrize("kwargs,parameter", [
    (dict(site_density=0.0), "site_density"), (dict(site_density=1.0), "site_density"),
    (dict(site_density=float("nan")), "site_density"), (dict(site_density="x"), "site_density"),
    (dict(sites=3), "sites"), (dict(sites=2.5), "sites"), (dict(sites=True), "sites"),
    (dict(seed=-1), "seed"), (dict(hop_cutoff=0.9), "hop_cutoff"), (dict(hop_cutoff=math.inf), "hop_cutoff"),
    (dict(tau_s=[-1.0]), "tau_s"), (dict(tau_s=[math.nan]), "tau_s"), (dict(tau_s=[]), "tau_s"),
    (dict(engine="cholmod"), "engine"), (dict(threads=0), "threads"), (dict(beta="rashba:nan"), "beta"),
    (dict(beta=[[0, 1]]), "beta"),
])
def test_bad_values_name_the_parameter_and_range(kwargs, parameter):
    with pytest.raises(ParameterError) as info:
        SimulationConfig(**kwargs)
    assert info.value.parameter == parameter and parameter in str(info.value) and "\n" not in str(info.value)


def test_unknown_keywords_are_refused_everywhere():
    for fn in (hopspin.simulate, hopspin.cisp_tensor, hopspin.spin_galvanic, hopspin.estimate):
        with pytest.raises(ParameterError, match="unknown parameter 'sight_density'"):
            fn(sight_density=0.01)
    with pytest.raises(ParameterError, match="valid: site_density, sites"):
        SimulationConfig().replace(sites_count=3)


def test_every_error_is_one_family():
    assert issubclass(ParameterError, HopspinError) and issubclass(ParameterError, ValueError)
    for name in hopspin.errors.__all__:
        cls = getattr(hopspin.errors, name)
        assert issubclass(cls, (HopspinError, Warning)), name


@pytest.fixture(scope="module")
def run():
    return hopspin.simulate(site_density=0.02, sites=3000, seed=5, tau_s=[0.0, 10.0, math.inf])


def test_to_xarray_is_labelled(run):
    ds = run.to_xarray()
    assert dict(ds.sizes) == {"tau_s": 3}
    assert ds["tau_s"].attrs["units"] == "tau_0" and list(ds["tau_s"].values) == [0.0, 10.0, math.inf]
    for name in ("f", "f_diff", "f_dr", "max_conservation_error", "seconds"):
        assert "units" in ds[name].attrs and ds[name].attrs["description"]
    np.testing.assert_array_equal(ds["f"].values, run.f)
    assert ds.attrs["seed"] == 5 and ds.attrs["engine"] == "multifrontal" and ds.attrs["hopspin_version"]
    assert ds["cluster_sites"].dtype.kind == "i"


def test_to_record_is_strict_json_from_the_same_schema(run):
    text = json.dumps(run.to_record(), allow_nan=False)   # no NaN / Infinity tokens
    rec = json.loads(text)
    assert rec["tau_s"] == [0.0, 10.0, "inf"] and rec["eq12_error"] is None
    assert {q.name for q in run.QUANTITIES} <= set(rec) and rec["units"]["tau_s"] == "tau_0"
    ds = run.to_xarray()
    assert set(ds.data_vars) == {q.name for q in run.QUANTITIES}


def test_tensor_and_sge_results_share_the_schema():
    t = hopspin.cisp_tensor(site_density=0.02, sites=3000, tau_s=[0.0, 100.0], beta="rd:0.3,1", with_sge=True)
    ds = t.to_xarray()
    assert ds["cisp_tensor"].dims == ("tau_s", "spin", "electric_field")
    assert list(ds["spin"].values) == ["x", "y", "z"] and ds["sge_tensor"].dims == ("tau_s", "current", "spin")
    json.dumps(t.to_record(), allow_nan=False)
    o = hopspin.spin_galvanic(site_density=0.02, sites=3000, tau_s=[10.0, 1e3])
    assert o.to_xarray()["ratio_over_expected"].dims == ("tau_s",)
    assert json.loads(json.dumps(o.to_record(), allow_nan=False))["ok"] == 1

import math

import numpy as np
import pytest

from numerics.network import (NotPercolatingError, build_network, critical_length)
from numerics.sample import Sample, random_sample


def test_critical_length():
    assert critical_length(0.01) == pytest.approx(11.9847)
    with pytest.raises(ValueError, match="site_density"):
        critical_length(0.0)


def test_sample_geometry_and_seed():
    a = random_sample(0.01, 1000, seed=5)
    b = random_sample(0.01, 1000, seed=5)
    c = random_sample(0.01, 1000, seed=6)
    assert a.positions.shape == (1000, 2) and a.positions.dtype == np.float64
    assert a.side == pytest.approx(math.sqrt(1000 / 0.01))
    assert np.all((a.positions >= 0) & (a.positions < a.side))
    assert np.array_equal(a.positions, b.positions)
    assert not np.array_equal(a.positions, c.positions)


@pytest.mark.parametrize("density", [0.0, -0.1, 1.0, 2.0, float("nan"), "0.1", None])
def test_bad_density(density):
    with pytest.raises(ValueError, match="site_density"):
        random_sample(density, 100)


@pytest.mark.parametrize("sites", [0, 2, -5, 10.5, True])
def test_bad_sites(sites):
    with pytest.raises(ValueError, match="sites"):
        random_sample(0.01, sites)


def test_bad_network_parameters():
    s = random_sample(0.01, 500, seed=1)
    with pytest.raises(ValueError, match="hop_cutoff"):
        build_network(s, hop_cutoff=0.9)
    with pytest.raises(ValueError, match="hop_cutoff"):
        build_network(s, hop_cutoff=float("inf"))
    with pytest.raises(ValueError, match="electrode_width"):
        build_network(s, electrode_width=-1.0)
    with pytest.raises(ValueError, match="electrode_width"):
        build_network(s, electrode_width=s.side)
    with pytest.raises(ValueError, match="sample"):
        build_network(s.positions)


def test_network_structure():
    s = random_sample(0.01, 3000, seed=2)
    net = build_network(s)
    M = net.positions.shape[0]
    assert net.bonds.dtype == np.int64 and np.all(net.bonds[:, 0] < net.bonds[:, 1])
    assert np.all(net.lengths < net.cutoff_length)
    assert net.cutoff_length == pytest.approx(1.5 * critical_length(0.01))
    assert np.array_equal(net.positions, s.positions[net.site_index])
    d = net.positions[net.bonds[:, 0]] - net.positions[net.bonds[:, 1]]
    assert np.allclose(np.hypot(d[:, 0], d[:, 1]), net.lengths)
    # all pairs within the cut-off inside the cluster are bonds
    from scipy.spatial.distance import pdist, squareform
    dist = squareform(pdist(net.positions[:800]))
    iu = np.triu_indices(800, 1)
    want = set(zip(*[a[dist[iu] < net.cutoff_length] for a in iu]))
    sub = net.bonds[(net.bonds[:, 1] < 800)]
    assert want == set(map(tuple, sub.tolist()))
    assert set(np.unique(net.electrode)) == {-1, 0, 1}
    x = net.positions[:, 0]
    lc = critical_length(0.01)
    assert np.all((net.electrode == -1) == (x < lc))
    assert np.all((net.electrode == 1) == (x > net.side - lc))
    assert net.sites == 3000 and M <= 3000
    # connected
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components
    gmat = coo_matrix((np.ones(len(net.bonds)), tuple(net.bonds.T)), shape=(M, M))
    assert connected_components(gmat, directed=False)[0] == 1


def test_same_seed_same_network():
    a = build_network(random_sample(0.005, 2000, seed=3))
    b = build_network(random_sample(0.005, 2000, seed=3))
    for f in ("positions", "site_index", "bonds", "lengths", "electrode"):
        assert np.array_equal(getattr(a, f), getattr(b, f))


def test_not_percolating_error_message():
    # two clusters far apart: nothing spans
    pos = np.array([[1.0, 1.0], [2.0, 1.0], [99.0, 1.0], [98.0, 2.0]])
    s = Sample(positions=pos, side=100.0, site_density=0.0004, seed=None)
    with pytest.raises(NotPercolatingError, match=r"site_density=0\.0004.*N=4"):
        build_network(s, electrode_width=5.0)
    assert issubclass(NotPercolatingError, ValueError)

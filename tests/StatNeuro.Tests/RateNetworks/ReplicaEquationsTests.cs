using StatNeuro.RateNetworks;

namespace StatNeuro.Tests.RateNetworks;

public class ReplicaEquationsTests
{
    // At γ = 0 the (u, v) fields drop out at the solution (Q, Q̂ → 0), so a small rule suffices for the test.
    private static readonly ReplicaSolverOptions s_small = new() { HermiteNodes = 12, GridPoints = 601 };

    [Theory]
    [InlineData(0.8, 100.0)]
    [InlineData(0.5, 1e4)]
    public void FullEquations_AtGammaZero_EqualClosedForm(double g, double beta)
    {
        // Issue acceptance: q(β) from the RS equations equals the closed form to 1e-8 (both deterministic; the x grid
        // over ±14 sd with 601 points integrates the Gaussian spectrally, the iteration stops at changes < 1e-12).
        ReplicaSolution full = ReplicaEquations.Solve(g, 0, beta, s_small);
        ReplicaSolution exact = ReplicaTheory.GammaZero(g, beta);
        Assert.True(full.Converged);
        Assert.Equal(exact.SmallQ, full.SmallQ, 1e-8);
        Assert.Equal(0.0, full.LargeQ, 1e-8);
        Assert.Equal(exact.SmallR, full.SmallR, 1e-8);
    }

    [Fact]
    public void Reciprocal_OrderedPhase_MatchesNoteQuadrature()
    {
        // Design note §4.3 table: γ = 0.5, g = 0.5, β = 100: q = 0.018959, ⟨x²⟩ = 0.019689, r√β = 1.1291
        // (independent quadrature, 5 digits).
        ReplicaSolution s = ReplicaEquations.Solve(0.5, 0.5, 100, new ReplicaSolverOptions { HermiteNodes = 16, GridPoints = 801 });
        Assert.Equal(0.018959, s.SmallQ, 1e-6);
        Assert.Equal(0.019689, s.X2, 1e-6);
        Assert.Equal(1.1291, s.SmallR * 10, 1e-4);
    }

    [Theory]
    [InlineData(0.5, 0.5, 0.994)]
    [InlineData(0.6, 0.5, 0.986)]
    [InlineData(0.8, 0.2, 0.990)]
    public void Energy_AtGammaNonZero_MatchesNoteValues(double g, double gamma, double e2Beta)
    {
        // Design note §8 step 3: the RS theory gives e·2β = 0.994, 0.986, 0.990 at β = 100 (3 digits; equipartition
        // e = 1/(2β) is exact only at γ = 0). Our energy comes from e = ½⟨(x − h)²⟩ in the single-site measure
        // (ReplicaEquations remarks), an independent route to the same numbers.
        ReplicaSolution s = ReplicaEquations.Solve(g, gamma, 100, new ReplicaSolverOptions { HermiteNodes = 16, GridPoints = 801 });
        Assert.True(s.Converged);
        Assert.Equal(e2Beta, s.EnergyPerNeuron * 200, 6e-4);
    }

    [Fact]
    public void Energy_AtGammaZero_IsEquipartition()
    {
        // γ = 0: x ~ N(0, σ²/β) in the single-site measure, so e = 1/(2β) exactly (also on the chaotic side).
        foreach ((double g, double beta) in new[] { (0.8, 100.0), (1.2, 100.0) })
        {
            ReplicaSolution s = ReplicaEquations.Solve(g, 0, beta, s_small);
            Assert.Equal(1.0, s.EnergyPerNeuron * 2 * beta, 1e-8);
        }
    }

    [Fact]
    public void Mala_Energy_AtGammaNonZero_AgreesWithRs()
    {
        // γ = 0.5, g = 0.6, β = 100 (ordered: g(1 + γ) = 0.9): RS e·2β = 0.98599, 10 standard errors below
        // equipartition at N = 1000 (docs/edge-of-chaos.md). N = 300 keeps the test at a few seconds (SE ≈ 0.003 in
        // e·2β); tolerance 4 block standard errors plus 0.3 % for the finite-N shift (N = 1000 runs agree within
        // 1.5 SE), and the sample must lie closer to the RS value than to 1/(2β).
        ReplicaSolution s = ReplicaEquations.Solve(0.6, 0.5, 100, new ReplicaSolverOptions { HermiteNodes = 16, GridPoints = 801 });
        var net = RateNetwork.Create(300, 0.6, 0.5, RateActivation.Tanh, 2);
        var res = MalaSampler.Run(new SpeedPotential(net), new MalaOptions { Betas = [100.0], BurnIn = 4000, Steps = 30000, Seed = 5 })[0];
        Assert.Equal(s.EnergyPerNeuron * 200, res.EnergyPerNeuron * 200, 4 * res.EnergySe * 200 + 0.003);
        Assert.True(Math.Abs(res.EnergyPerNeuron - s.EnergyPerNeuron) < Math.Abs(res.EnergyPerNeuron - 0.005), $"sampled e·2β = {res.EnergyPerNeuron * 200} is closer to equipartition than to the RS value");
    }
}

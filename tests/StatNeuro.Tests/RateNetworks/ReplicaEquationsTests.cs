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
}

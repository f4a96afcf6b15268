using StatNeuro.RateNetworks;

namespace StatNeuro.Tests.RateNetworks;

public class StaticCavityTests
{
    [Theory]
    [InlineData(0.5, 0.5)]
    [InlineData(0.8, 0.2)]
    [InlineData(0.9, -0.5)]
    public void OrderedPhase_GivesClosedFormResponse(double g, double gamma)
    {
        // g(1 + γ) < 1: C = 0 and R_int = (1 − √(1 − 4γg²))/(2γg²) (design note §4.2; 1.1716 at (0.5, 0.5)).
        StaticCavitySolution s = StaticCavity.Solve(g, gamma);
        Assert.True(s.Converged);
        Assert.Equal(0.0, s.C, 1e-9);
        Assert.Equal(ReplicaTheory.OrderedResponse(g, gamma), s.ResponseIntegral, 1e-9);
    }

    [Fact]
    public void GammaZero_EqualsStaticScsSolution()
    {
        // γ = 0: x = g√C z, so C = q*(g) = 0.1733 at g = 1.2 and R_int = ⟨φ'⟩ = 1 − q* (design note §4.1).
        StaticCavitySolution s = StaticCavity.Solve(1.2, 0);
        Assert.Equal(0.1733, s.C, 1e-4);
        Assert.Equal(1 - s.C, s.ResponseIntegral, 1e-9);
    }

    [Fact]
    public void Reciprocal_MatchesNoteValue()
    {
        // Design note §4.3: static cavity C = 0.268 at g = 0.867, γ = 0.5 (3 digits).
        Assert.Equal(0.268, StaticCavity.Solve(0.867, 0.5).C, 1e-3);
    }
}

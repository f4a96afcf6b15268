using StatNeuro.Dynamics;

namespace StatNeuro.Tests.Dynamics;

public class ButcherTableauTests
{
    public static TheoryData<string> Names => new() { "Euler", "Midpoint", "Heun", "BogackiShampine32", "RK4", "DormandPrince54" };

    private static ButcherTableau ByName(string name) => ButcherTableaus.All.Single(t => t.Name == name);

    [Fact]
    public void RootedTrees_CountsPerOrder_MatchOeisA000081()
    {
        // Number of rooted trees with n vertices: 1, 1, 2, 4, 9, 20, 48, 115 (OEIS A000081).
        int[] expected = [1, 1, 2, 4, 9, 20, 48, 115];
        for (int n = 1; n <= 8; n++)
        {
            Assert.Equal(expected[n - 1], RootedTrees.CountOfOrder(n));
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Tableau_OrderConditionsUpToItsOrder_HoldTo1em14(string name)
    {
        ButcherTableau tableau = ByName(name);
        tableau.Validate();
        Assert.True(tableau.RowSumResidual() < 1e-15);
        for (int q = 1; q <= tableau.Order; q++)
        {
            // Exact fractions in double precision: residuals are rounding only (≤ a few ulp of O(1) sums).
            Assert.True(tableau.OrderConditionResidual(q) < 1e-14, $"{name}: order-{q} residual {tableau.OrderConditionResidual(q)}");
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Tableau_NextOrderCondition_Fails(string name)
    {
        // The stated order is sharp: some condition of order p+1 is violated by far more than rounding.
        ButcherTableau tableau = ByName(name);
        Assert.True(tableau.OrderConditionResidual(tableau.Order + 1) > 1e-4);
        Assert.Equal(tableau.Order, tableau.VerifiedOrder(maxOrder: 7));
    }

    [Fact]
    public void DormandPrince_EmbeddedWeights_HaveOrderFourExactly()
    {
        ButcherTableau dp = ButcherTableaus.DormandPrince54;
        for (int q = 1; q <= 4; q++)
        {
            Assert.True(dp.EmbeddedOrderConditionResidual(q) < 1e-14);
        }

        Assert.True(dp.EmbeddedOrderConditionResidual(5) > 1e-5);
        Assert.True(dp.IsFirstSameAsLast);
    }

    [Fact]
    public void BogackiShampine_EmbeddedWeights_HaveOrderTwo()
    {
        ButcherTableau bs = ButcherTableaus.BogackiShampine32;
        Assert.True(bs.EmbeddedOrderConditionResidual(1) < 1e-15 && bs.EmbeddedOrderConditionResidual(2) < 1e-15);
        Assert.True(bs.EmbeddedOrderConditionResidual(3) > 1e-3);
        Assert.True(bs.IsFirstSameAsLast);
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.37)]
    [InlineData(0.5)]
    [InlineData(0.81)]
    [InlineData(1.0)]
    public void DormandPrince_DenseOutput_IsFourthOrderInterpolant(double theta)
    {
        // Σ b_i(θ) Φ_i(τ) = θ^|τ|/γ(τ) for |τ| ≤ 4 (HNW 1993, §II.6): the free interpolant has order 4.
        ButcherTableau dp = ButcherTableaus.DormandPrince54;
        for (int q = 1; q <= 4; q++)
        {
            Assert.True(dp.DenseOutputConditionResidual(q, theta) < 1e-13, $"θ={theta}, order {q}: {dp.DenseOutputConditionResidual(q, theta)}");
        }

        var w = new double[dp.Stages];
        dp.DenseWeights(1.0, w);
        for (int i = 0; i < dp.Stages; i++)
        {
            Assert.Equal(dp.B[i], w[i], 1e-14); // b(1) = b
        }
    }

    [Fact]
    public void Validate_ImplicitTableau_Throws()
    {
        var implicitMidpoint = new ButcherTableau("ImplicitMidpoint", new double[,] { { 0.5 } }, [1.0], [0.5], 2);
        Assert.Throws<ArgumentException>(implicitMidpoint.Validate);
    }
}

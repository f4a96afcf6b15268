using StatNeuro.Dynamics;

namespace StatNeuro.Tests.Dynamics;

public class ConvergenceStudiesTests
{
    [Fact]
    public void DeterministicMethods_EveryMeasuredSlope_IsWithinPointTwoOfItsOrder()
    {
        // The curves the reproduce report plots: each against a closed-form solution, slope tolerance 0.2.
        IReadOnlyList<ConvergenceCurve> curves = ConvergenceStudies.DeterministicMethods();
        Assert.Equal(9, curves.Count);
        foreach (ConvergenceCurve c in curves)
        {
            Assert.True(Math.Abs(c.Slope - c.ExpectedOrder) < 0.2, $"{c.Method}: slope {c.Slope}, expected {c.ExpectedOrder}");
            Assert.Equal(c.StepSizes.Length, c.Errors.Length);
        }
    }

    [Fact]
    public void LifGridEuler_SlopeIsOne()
    {
        ConvergenceCurve c = ConvergenceStudies.LifGridEuler();
        Assert.InRange(c.Slope, 0.8, 1.2);
    }

    [Fact]
    public void DormandPrinceTolerance_RelativeControl_ErrorWithinTenRtol()
    {
        foreach (ToleranceResult r in ConvergenceStudies.DormandPrinceTolerance([1e-5, 1e-9], 1e-3))
        {
            Assert.True(r.MaxError <= 10 * r.RelativeTolerance, $"rtol {r.RelativeTolerance}: {r.MaxError}");
        }
    }
}

public class OdeSolversTests
{
    [Fact]
    public void Create_EveryName_SolvesDecay()
    {
        // y' = −y to t = 1 at h = 1e-3 (fixed) or rtol 1e-6 (adaptive): every method within 1e-3 of e^-1 (Euler: h/2·e^-1 ≈ 2e-4).
        foreach (string name in OdeSolvers.Names)
        {
            IOdeSolver solver = OdeSolvers.Create(name);
            OdeSolution s = solver.Solve(new OdeProblem<Decay>(new Decay(1), [1.0], 0, 1), new SolveOptions { StepSize = 1e-3, SaveEvery = 0 });
            Assert.True(s.Succeeded, name);
            Assert.Equal(Math.Exp(-1), s.FinalState()[0], 1e-3);
        }
    }

    [Fact]
    public void Create_UnknownName_ThrowsWithTheValidNames()
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => OdeSolvers.Create("rk5"));
        Assert.Contains("rk4", e.Message);
        Assert.False(OdeSolvers.TryCreate(null, out _));
    }
}

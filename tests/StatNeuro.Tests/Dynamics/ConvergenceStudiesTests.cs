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

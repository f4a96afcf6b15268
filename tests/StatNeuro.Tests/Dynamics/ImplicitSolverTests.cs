using StatNeuro.Dynamics;
using StatNeuro.Tests.Support;

namespace StatNeuro.Tests.Dynamics;

public class ImplicitSolverTests
{
    private const double VanDerPolEnd = 300;

    // Independent reference: explicit DOPRI5 at rtol = atol = 1e-11 (stability-limited steps ~1e-3, ~2e5 steps).
    private static readonly Lazy<double[]> s_vanDerPolReference = new(() =>
    {
        OdeSolution r = new AdaptiveRungeKutta().Solve(
            new OdeProblem<VanDerPol>(new VanDerPol(1000), [2.0, 0.0], 0, VanDerPolEnd),
            new SolveOptions { RelativeTolerance = 1e-11, AbsoluteTolerance = 1e-11, SaveEvery = 0 });
        Assert.Equal(SolveStatus.Success, r.Status);
        return r.FinalState();
    });

    [Fact]
    public void Rk4_StiffVanDerPol_AtStepPointZeroOne_DivergesToNonFinite()
    {
        // μ = 1000: the fast eigenvalue ≈ μ(1 − y₁²) = −3000, so h λ = −30 lies far outside RK4's stability region (|hλ| ≤ 2.79).
        OdeSolution s = new ExplicitRungeKutta(ButcherTableaus.RungeKutta4).Solve(
            new OdeProblem<VanDerPol>(new VanDerPol(1000), [2.0, 0.0], 0, VanDerPolEnd), new SolveOptions { StepSize = 0.01 });
        Assert.Equal(SolveStatus.NonFinite, s.Status);
        Assert.True(s.Times[^1] < 1);
    }

    [Fact]
    public void BackwardEuler_StiffVanDerPol_AtStepWhereRk4Diverges_IsAccurate()
    {
        // Same h = 0.01: BE is L-stable. Its global error is first order, measured ≈ 8.6e-5·h (8.6e-7 here);
        // bound 1e-5 ≈ 12× that.
        double[] reference = s_vanDerPolReference.Value;
        OdeSolution s = new BackwardEuler().Solve(new OdeProblem<VanDerPol>(new VanDerPol(1000), [2.0, 0.0], 0, VanDerPolEnd), new SolveOptions { StepSize = 0.01, SaveEvery = 0 });
        Assert.Equal(SolveStatus.Success, s.Status);
        Assert.Equal(reference[0], s.FinalState()[0], 1e-5);
        Assert.Equal(reference[1], s.FinalState()[1], 1e-7);
    }

    [Fact]
    public void Rosenbrock23_StiffVanDerPol_MatchesReference()
    {
        // rtol = atol = 1e-8: measured error 2.7e-7 over [0, 300]; bound 5e-6. Analytic and finite-difference
        // Jacobians give the same answer to the same tolerance.
        double[] reference = s_vanDerPolReference.Value;
        var options = new SolveOptions { RelativeTolerance = 1e-8, AbsoluteTolerance = 1e-8, SaveEvery = 0 };
        OdeSolution analytic = new Rosenbrock23().Solve(new OdeProblem<VanDerPol>(new VanDerPol(1000), [2.0, 0.0], 0, VanDerPolEnd), options);
        OdeSolution numeric = new Rosenbrock23().Solve(new OdeProblem<VanDerPolNoJacobian>(new VanDerPolNoJacobian(1000), [2.0, 0.0], 0, VanDerPolEnd), options);
        Assert.Equal(SolveStatus.Success, analytic.Status);
        Assert.Equal(SolveStatus.Success, numeric.Status);
        Assert.Equal(reference[0], analytic.FinalState()[0], 5e-6);
        Assert.Equal(reference[0], numeric.FinalState()[0], 5e-6);
        Assert.True(analytic.Statistics.AcceptedSteps < 1000, "a stiff solver takes far fewer steps than the explicit reference");
    }

    [Fact]
    public void Rosenbrock23_Robertson_MatchesExplicitReferenceAtT40()
    {
        // Robertson (1966) chemistry, stiff (eigenvalues to ≈ −1e4). Published values at t = 40 (HNW 1996, §IV.10):
        // y ≈ (0.7158, 9.185e-6, 0.2842). Reference here: DOPRI5 at rtol 1e-10/atol 1e-14.
        var problem = new OdeProblem<Robertson>(new Robertson(), [1.0, 0.0, 0.0], 0, 40);
        double[] reference = new AdaptiveRungeKutta().Solve(problem, new SolveOptions { RelativeTolerance = 1e-10, AbsoluteTolerance = 1e-14, SaveEvery = 0 }).FinalState();
        Assert.Equal(0.7158, reference[0], 1e-4);
        Assert.Equal(9.185e-6, reference[1], 1e-9);
        OdeSolution s = new Rosenbrock23().Solve(problem, new SolveOptions { RelativeTolerance = 1e-7, AbsoluteTolerance = 1e-12, SaveEvery = 0 });
        Assert.Equal(SolveStatus.Success, s.Status);
        double[] y = s.FinalState();
        Assert.Equal(reference[0], y[0], 1e-5); // 100·rtol (measured 2.9e-9)
        Assert.Equal(reference[1], y[1], 1e-10);
        Assert.Equal(reference[2], y[2], 1e-5);
        Assert.Equal(1.0, y[0] + y[1] + y[2], 1e-12); // mass conservation is linear, preserved by every RK/Rosenbrock step
    }

    [Fact]
    public void BackwardEuler_Decay_ConvergesAtOrderOne()
    {
        double[] steps = [0.1, 0.05, 0.025, 0.0125, 0.00625];
        double[] errors = [.. steps.Select(h => Math.Abs(new BackwardEuler().Solve(
            new OdeProblem<Decay>(new Decay(1), [1.0], 0, 2), new SolveOptions { StepSize = h, SaveEvery = 0 }).FinalState()[0] - Math.Exp(-2)))];
        Assert.InRange(ConvergenceOrder.Estimate(steps, errors), 0.8, 1.2);
    }

    [Fact]
    public void Rosenbrock23_FixedStepOnStiffForcedProblem_ConvergesAtOrderTwo()
    {
        // Prothero–Robinson-type y' = −λ(y − cos t), λ = 50 (non-autonomous: exercises ∂f/∂t). Huge tolerances
        // accept every step, so MaximumStep = StepSize = h gives a fixed-step run; slope within 0.2 of 2.
        const double lambda = 50;
        double Exact(double t) => (1 - lambda * lambda / (lambda * lambda + 1)) * Math.Exp(-lambda * t) + lambda * (lambda * Math.Cos(t) + Math.Sin(t)) / (lambda * lambda + 1);
        double[] steps = [0.2, 0.1, 0.05, 0.025, 0.0125];
        double[] errors = [.. steps.Select(h => Math.Abs(new Rosenbrock23().Solve(
            new OdeProblem<Forced>(new Forced(lambda), [1.0], 0, 4),
            new SolveOptions { StepSize = h, MaximumStep = h, RelativeTolerance = 1e10, AbsoluteTolerance = 1e10, SaveEvery = 0 }).FinalState()[0] - Exact(4)))];
        Assert.InRange(ConvergenceOrder.Estimate(steps, errors), 1.8, 2.2);
    }

    [Fact]
    public void BackwardEuler_NoSolutionOfImplicitEquation_ReturnsConvergenceFailure()
    {
        // y' = y², y = 1, h = 1: z − 1 − z² = 0 has no real root; halving to 0.5 still has none, and MinimumStep = 0.3 stops there.
        OdeSolution s = new BackwardEuler().Solve(new OdeProblem<SquareGrowth>(new SquareGrowth(), [1.0], 0, 2), new SolveOptions { StepSize = 1, MinimumStep = 0.3 });
        Assert.Equal(SolveStatus.ConvergenceFailure, s.Status);
        Assert.Equal(0, s.Times[^1]);
        Assert.Equal(1.0, s.FinalState()[0]);
    }

    [Fact]
    public void BackwardEuler_PreciseEvents_LocateLifSpikes()
    {
        // BE at dt = 1e-3 ms decays by 1/(1 + h/τ) per step, i.e. with rate ln(1 + h/τ)/h ≈ (1 − h/2τ)/τ, so spike k
        // is late by ≈ t_k h/(2τ) (accumulating over resets); bound t_k h/τ, twice that estimate.
        List<double> expected = SlidesLif.SpikeTimes(100);
        OdeSolution s = new BackwardEuler().Solve(
            new OdeProblem<LifMembrane>(new LifMembrane(SlidesLif.TauMs, SlidesLif.VInfinityMv), [SlidesLif.RestMv], 0, 100),
            new SolveOptions { StepSize = 1e-3, SaveEvery = 0 },
            new LifThreshold(SlidesLif.ThresholdMv, SlidesLif.ResetMv));
        Assert.Equal(expected.Count, s.Events.Count);
        for (int k = 0; k < expected.Count; k++)
        {
            Assert.Equal(expected[k], s.Events[k].Time, expected[k] * 1e-3 / SlidesLif.TauMs);
        }
    }

    internal readonly struct VanDerPol(double mu) : IJacobianSystem
    {
        public int Dimension => 2;

        public void Derivative(double t, ReadOnlySpan<double> y, Span<double> dydt)
        {
            dydt[0] = y[1];
            dydt[1] = mu * (1 - y[0] * y[0]) * y[1] - y[0];
        }

        public void Jacobian(double t, ReadOnlySpan<double> y, Span<double> jacobian)
        {
            jacobian[0] = 0;
            jacobian[1] = 1;
            jacobian[2] = -2 * mu * y[0] * y[1] - 1;
            jacobian[3] = mu * (1 - y[0] * y[0]);
        }
    }

    internal readonly struct VanDerPolNoJacobian(double mu) : IOdeSystem
    {
        public int Dimension => 2;

        public void Derivative(double t, ReadOnlySpan<double> y, Span<double> dydt) => new VanDerPol(mu).Derivative(t, y, dydt);
    }

    internal readonly struct Robertson : IOdeSystem
    {
        public int Dimension => 3;

        public void Derivative(double t, ReadOnlySpan<double> y, Span<double> dydt)
        {
            dydt[0] = -0.04 * y[0] + 1e4 * y[1] * y[2];
            dydt[1] = 0.04 * y[0] - 1e4 * y[1] * y[2] - 3e7 * y[1] * y[1];
            dydt[2] = 3e7 * y[1] * y[1];
        }
    }

    internal readonly struct Forced(double lambda) : IOdeSystem
    {
        public int Dimension => 1;

        public void Derivative(double t, ReadOnlySpan<double> y, Span<double> dydt) => dydt[0] = -lambda * (y[0] - Math.Cos(t));
    }

    internal readonly struct SquareGrowth : IOdeSystem
    {
        public int Dimension => 1;

        public void Derivative(double t, ReadOnlySpan<double> y, Span<double> dydt) => dydt[0] = y[0] * y[0];
    }
}

using StatNeuro.Numerics;

namespace StatNeuro.Dynamics;

/// <summary>Errors of one method at a sequence of step sizes and the fitted order.</summary>
/// <param name="Method">Method name.</param>
/// <param name="Problem">Test problem.</param>
/// <param name="ExpectedOrder">Theoretical order.</param>
/// <param name="StepSizes">Step sizes h (decreasing).</param>
/// <param name="Errors">Error at each h.</param>
/// <param name="Slope">Least-squares slope of log error against log h (the measured order).</param>
public sealed record ConvergenceCurve(string Method, string Problem, double ExpectedOrder, double[] StepSizes, double[] Errors, double Slope);

/// <summary>One run of the adaptive tolerance study.</summary>
/// <param name="RelativeTolerance">Requested rtol.</param>
/// <param name="AbsoluteTolerance">Requested atol.</param>
/// <param name="MaxError">Largest error against the exact solution over the saved steps.</param>
/// <param name="AcceptedSteps">Accepted steps.</param>
/// <param name="RejectedSteps">Rejected steps.</param>
public sealed record ToleranceResult(double RelativeTolerance, double AbsoluteTolerance, double MaxError, long AcceptedSteps, long RejectedSteps);

/// <summary>
/// Convergence studies of every integrator on problems with closed-form solutions (for the validation figures of
/// <c>reproduce</c> and docs/dynamics.md): slopes of log error against log step.
/// </summary>
/// <remarks>
/// Problems: the harmonic oscillator x'' = −x on [0, 5] (x = cos t) for the explicit Runge–Kutta methods; the
/// Prothero–Robinson problem y' = −50(y − cos t) on [0, 4] for the implicit ones; y' = −y² (y = 1/(1+t)) for
/// exponential Euler (exact on linear problems); the slides' LIF spike times in grid mode with Euler; and geometric
/// Brownian motion (Higham 2001) for the strong order of the SDE schemes.
/// </remarks>
public static class ConvergenceStudies
{
    /// <summary>Every deterministic integrator's convergence curve.</summary>
    /// <returns>One curve per method.</returns>
    public static IReadOnlyList<ConvergenceCurve> DeterministicMethods()
    {
        var curves = new List<ConvergenceCurve>();
        var oscillator = new OdeProblem<UnitOscillator>(default, [1.0, 0.0], 0, 5);
        foreach ((ButcherTableau tableau, double largest) in new[]
        {
            (ButcherTableaus.Euler, 1.0 / 64), (ButcherTableaus.Midpoint, 1.0 / 16), (ButcherTableaus.Heun, 1.0 / 16),
            (ButcherTableaus.BogackiShampine32, 1.0 / 8), (ButcherTableaus.RungeKutta4, 1.0 / 4), (ButcherTableaus.DormandPrince54, 1.0 / 2),
        })
        {
            double[] steps = Halvings(largest, 5);
            var solver = new ExplicitRungeKutta(tableau);
            double[] errors = [.. steps.Select(h => OscillatorError(solver.Solve(oscillator, new SolveOptions { StepSize = h, SaveEvery = 0 }), 5))];
            curves.Add(Curve(tableau.Name, "oscillator x'' = -x, t in [0, 5]", tableau.Order, steps, errors));
        }

        var forced = new OdeProblem<ProtheroRobinson>(new ProtheroRobinson(50), [1.0], 0, 4);
        double[] implicitSteps = Halvings(0.2, 5);
        double exactForced = new ProtheroRobinson(50).Exact(4, 1.0);
        double[] beErrors = [.. implicitSteps.Select(h => Math.Abs(new BackwardEuler().Solve(forced, new SolveOptions { StepSize = h, SaveEvery = 0 }).FinalState()[0] - exactForced))];
        curves.Add(Curve("BackwardEuler", "Prothero-Robinson y' = -50(y - cos t), t in [0, 4]", 1, implicitSteps, beErrors));
        double[] rbErrors = [.. implicitSteps.Select(h => Math.Abs(new Rosenbrock23().Solve(forced, new SolveOptions { StepSize = h, MaximumStep = h, RelativeTolerance = 1e10, AbsoluteTolerance = 1e10, SaveEvery = 0 }).FinalState()[0] - exactForced))];
        curves.Add(Curve("Rosenbrock23 (fixed step)", "Prothero-Robinson y' = -50(y - cos t), t in [0, 4]", 2, implicitSteps, rbErrors));

        double[] expSteps = Halvings(0.1, 5);
        double[] expErrors = [.. expSteps.Select(h => Math.Abs(new ExponentialEuler().Solve(new OdeProblem<Riccati>(default, [1.0], 0, 2), new SolveOptions { StepSize = h, SaveEvery = 0 }).FinalState()[0] - 1.0 / 3))];
        curves.Add(Curve("ExponentialEuler", "y' = -y^2 as A = 0, B = -y, t in [0, 2]", 1, expSteps, expErrors));
        return curves;
    }

    /// <summary>Euler on the slides' dy/dx = x, y(0) = 0, x ∈ [0, 1] (error exactly h/2).</summary>
    /// <returns>The curve.</returns>
    public static ConvergenceCurve EulerOnSlidesRamp()
    {
        double[] steps = Halvings(1.0 / 16, 5);
        double[] errors = [.. steps.Select(h => Math.Abs(new ExplicitRungeKutta(ButcherTableaus.Euler).Solve(new OdeProblem<Ramp>(default, [0.0], 0, 1), new SolveOptions { StepSize = h, SaveEvery = 0 }).FinalState()[0] - 0.5))];
        return Curve("Euler", "slides dy/dx = x, x in [0, 1]", 1, steps, errors);
    }

    /// <summary>
    /// RMS error of the LIF spike times (slides' values, 100 ms from rest) in grid mode with fixed-step Euler,
    /// against the closed form, at 13 steps from 0.1 ms down by factors √2.
    /// </summary>
    /// <returns>The curve.</returns>
    public static ConvergenceCurve LifGridEuler()
    {
        const double tau = 10, vInf = -35, vRest = -65, vTh = -40, vReset = -70;
        var expected = new List<double>();
        double first = tau * Math.Log((vRest - vInf) / (vTh - vInf));
        double period = tau * Math.Log((vReset - vInf) / (vTh - vInf));
        for (double t = first; t <= 100; t += period)
        {
            expected.Add(t);
        }

        double[] steps = [.. Enumerable.Range(0, 13).Select(k => 0.1 / Math.Pow(2, k / 2.0))];
        var errors = new double[steps.Length];
        var problem = new OdeProblem<Relaxation>(new Relaxation(tau, vInf), [vRest], 0, 100);
        for (int i = 0; i < steps.Length; i++)
        {
            OdeSolution s = new ExplicitRungeKutta(ButcherTableaus.Euler).Solve(problem, new SolveOptions { StepSize = steps[i], EventMode = EventMode.Grid, SaveEvery = 0 }, new ThresholdReset(vTh, vReset));
            double sq = 0;
            int count = Math.Min(s.Events.Count, expected.Count);
            for (int k = 0; k < count; k++)
            {
                sq += Math.Pow(s.Events[k].Time - expected[k], 2);
            }

            errors[i] = s.Events.Count == expected.Count ? Math.Sqrt(sq / count) : double.NaN;
        }

        return Curve("Euler, grid events", "LIF spike times (slides), 100 ms", 1, steps, errors);
    }

    /// <summary>
    /// Strong error E|X_T^h − X_T| of an SDE scheme on geometric Brownian motion dX = 2X dt + X dW, X0 = 1, T = 1
    /// (Higham 2001, SIAM Rev. 43:525), with the exact solution on the same Brownian path; h = 2^-5 … 2^-9.
    /// </summary>
    /// <param name="scheme">The scheme.</param>
    /// <param name="paths">Number of sample paths.</param>
    /// <param name="seed">Seed (paths use streams (seed, Noise, path)).</param>
    /// <returns>The curve.</returns>
    public static ConvergenceCurve SdeStrongOrder(SdeScheme scheme, int paths = 2000, ulong seed = 2001)
    {
        const int finestLevel = 9, levels = 5;
        int fine = 1 << finestLevel;
        var sums = new double[levels];
        var solver = new SdeSolver(scheme);
        var problem = new SdeProblem<GeometricBrownian>(new GeometricBrownian(2, 1), [1.0], 0, 1);
        var increments = new double[fine];
        var streams = new RandomStreams(seed);
        for (int p = 0; p < paths; p++)
        {
            RandomGenerator random = streams.For(StreamPurpose.Noise, p);
            double w = 0;
            for (int k = 0; k < fine; k++)
            {
                increments[k] = Math.Sqrt(1.0 / fine) * random.NextNormal();
                w += increments[k];
            }

            double exact = Math.Exp(2 - 0.5 + w);
            for (int level = 0; level < levels; level++)
            {
                int m = 1 << (finestLevel - level);
                int r = fine / m;
                var coarse = new double[m];
                for (int k = 0; k < m; k++)
                {
                    for (int j = 0; j < r; j++)
                    {
                        coarse[k] += increments[k * r + j];
                    }
                }

                sums[level] += Math.Abs(solver.Solve(problem, new SolveOptions { StepSize = 1.0 / m, SaveEvery = 0 }, coarse).FinalState()[0] - exact);
            }
        }

        double[] steps = [.. Enumerable.Range(0, levels).Select(l => 1.0 / (1 << (finestLevel - l)))];
        double[] errors = [.. sums.Select(s => s / paths)];
        return Curve(scheme.ToString(), "geometric Brownian motion (Higham 2001), strong error", scheme == SdeScheme.Milstein ? 1 : 0.5, steps, errors);
    }

    /// <summary>Adaptive Dormand–Prince over 10 periods of x'' = −x at several tolerances: the largest error at the saved steps.</summary>
    /// <param name="relativeTolerances">The rtol values.</param>
    /// <param name="absoluteToRelative">atol = this × rtol.</param>
    /// <returns>One result per tolerance.</returns>
    public static IReadOnlyList<ToleranceResult> DormandPrinceTolerance(IReadOnlyList<double> relativeTolerances, double absoluteToRelative)
    {
        ArgumentNullException.ThrowIfNull(relativeTolerances);
        var results = new List<ToleranceResult>();
        var problem = new OdeProblem<UnitOscillator>(default, [1.0, 0.0], 0, 20 * Math.PI);
        foreach (double rtol in relativeTolerances)
        {
            double atol = absoluteToRelative * rtol;
            OdeSolution s = new AdaptiveRungeKutta().Solve(problem, new SolveOptions { RelativeTolerance = rtol, AbsoluteTolerance = atol });
            double worst = 0;
            for (int r = 0; r < s.Times.Count; r++)
            {
                worst = Math.Max(worst, OscillatorErrorAt(s, r));
            }

            results.Add(new ToleranceResult(rtol, atol, worst, s.Statistics.AcceptedSteps, s.Statistics.RejectedSteps));
        }

        return results;
    }

    private static double[] Halvings(double largest, int count) => [.. Enumerable.Range(0, count).Select(k => largest / Math.Pow(2, k))];

    private static ConvergenceCurve Curve(string method, string problem, double order, double[] steps, double[] errors)
    {
        double[] lx = [.. steps.Select(h => Math.Log(h))];
        double[] ly = [.. errors.Select(e => Math.Log(e))];
        return new ConvergenceCurve(method, problem, order, steps, errors, Statistics.LinearFit(lx, ly).Slope);
    }

    private static double OscillatorError(OdeSolution s, double t) =>
        Math.Max(Math.Abs(s.FinalState()[0] - Math.Cos(t)), Math.Abs(s.FinalState()[1] + Math.Sin(t)));

    private static double OscillatorErrorAt(OdeSolution s, int row)
    {
        double t = s.Times[row];
        return Math.Max(Math.Abs(s[row, 0] - Math.Cos(t)), Math.Abs(s[row, 1] + Math.Sin(t)));
    }

    private readonly struct UnitOscillator : IOdeSystem
    {
        public int Dimension => 2;

        public void Derivative(double t, ReadOnlySpan<double> y, Span<double> dydt)
        {
            dydt[0] = y[1];
            dydt[1] = -y[0];
        }
    }

    private readonly struct Ramp : IOdeSystem
    {
        public int Dimension => 1;

        public void Derivative(double t, ReadOnlySpan<double> y, Span<double> dydt) => dydt[0] = t;
    }

    private readonly struct Riccati : IConditionallyLinearSystem
    {
        public int Dimension => 1;

        public void Derivative(double t, ReadOnlySpan<double> y, Span<double> dydt) => dydt[0] = -y[0] * y[0];

        public void LinearParts(double t, ReadOnlySpan<double> y, Span<double> a, Span<double> b)
        {
            a[0] = 0;
            b[0] = -y[0];
        }
    }

    private readonly struct ProtheroRobinson(double lambda) : IOdeSystem
    {
        public int Dimension => 1;

        public void Derivative(double t, ReadOnlySpan<double> y, Span<double> dydt) => dydt[0] = -lambda * (y[0] - Math.Cos(t));

        public double Exact(double t, double y0)
        {
            double l2 = lambda * lambda;
            return (y0 - l2 / (l2 + 1)) * Math.Exp(-lambda * t) + lambda * (lambda * Math.Cos(t) + Math.Sin(t)) / (l2 + 1);
        }
    }

    private readonly struct Relaxation(double tau, double target) : IOdeSystem
    {
        public int Dimension => 1;

        public void Derivative(double t, ReadOnlySpan<double> y, Span<double> dydt) => dydt[0] = (target - y[0]) / tau;
    }

    private sealed class ThresholdReset(double threshold, double reset) : IThresholdEvents
    {
        public int Count => 1;

        public void Evaluate(double t, ReadOnlySpan<double> y, Span<double> values) => values[0] = y[0] - threshold;

        public void Apply(int index, double t, Span<double> y) => y[0] = reset;
    }

    private readonly struct GeometricBrownian(double drift, double volatility) : ISdeSystem
    {
        public int Dimension => 1;

        public void Drift(double t, ReadOnlySpan<double> y, Span<double> result) => result[0] = drift * y[0];

        public void Diffusion(double t, ReadOnlySpan<double> y, Span<double> result) => result[0] = volatility * y[0];

        public void DiffusionDerivative(double t, ReadOnlySpan<double> y, Span<double> result) => result[0] = volatility;
    }
}

using System.Globalization;
using StatNeuro.Dynamics;
using StatNeuro.Neurons;
using StatNeuro.Numerics;
using StatNeuro.Plotting;

namespace StatNeuro.Cli.Reproduce;

/// <summary>
/// Foundation section: the slides' comparisons (dy/dx = x under Euler and midpoint; LIF under Euler, midpoint,
/// RK4 and the exact propagator), the convergence order of every integrator, the Hodgkin–Huxley trace against an
/// independent reference, and the HH f–I curve with rheobase and onset of sustained firing.
/// </summary>
internal sealed class NeuronsSection : IReproduceSection
{
    /// <summary>SciPy 1.10.1 DOP853 at rtol = atol = 1e-12 (benchmarks/compare/hh_reference.py): 0 mV upward crossings, I = 10 µA/cm².</summary>
    private static readonly double[] s_hhReferenceMs =
        [1.9009719516571066, 16.82258264961459, 31.471826641432827, 46.10900156012246, 60.74528301192105, 75.38149829424005, 90.0177086760347];

    public string Name => "neurons";

    public string Title => "Numerical methods and single neurons (LIF, Hodgkin–Huxley)";

    public void Run(SectionContext context)
    {
        SlidesRamp(context);
        LifMethods(context);
        ConvergenceOrders(context);
        AdaptiveTolerance(context);
        StochasticOrders(context);
        StiffVanDerPol(context);
        HodgkinHuxleyTrace(context);
        HodgkinHuxleyFi(context);
    }

    private static void SlidesRamp(SectionContext ctx)
    {
        // dy/dx = x, y(0) = 0, exact y = x²/2; h = 0.5 as in the slides' "Euler vs mid-point" picture.
        const double h = 0.5;
        int n = 10;
        var x = new double[n + 1];
        var exact = new double[n + 1];
        var euler = new double[n + 1];
        var midpoint = new double[n + 1];
        for (int k = 1; k <= n; k++)
        {
            x[k] = k * h;
            exact[k] = x[k] * x[k] / 2;
            euler[k] = euler[k - 1] + h * x[k - 1];
            midpoint[k] = midpoint[k - 1] + h * (x[k - 1] + h / 2);
        }

        ctx.Figure(
            new FigureSpec
            {
                Title = "dy/dx = x with h = 0.5 (the slides' example)",
                XLabel = "x",
                YLabel = "y",
                Series = [new Series("exact x²/2", x, exact), new Series("Euler", x, euler, Markers: true), new Series("midpoint", x, midpoint, Markers: true)],
            },
            "ramp",
            "Euler lags by h·x/2; the midpoint rule is exact for this quadratic solution.");
        ctx.Number("ramp_euler_error_at_5", exact[n] - euler[n]);
        ctx.Number("ramp_midpoint_error_at_5", exact[n] - midpoint[n]);
    }

    private static void LifMethods(SectionContext ctx)
    {
        var p = new LifParameters();
        var model = new LeakyIntegrateAndFire(p);
        double first = p.TimeToThresholdMs(p.VRestMv, 3.0), period = p.TimeToThresholdMs(p.VResetMv, 3.0);
        var closed = new List<double>();
        for (double t = first; t <= 100; t += period)
        {
            closed.Add(t);
        }

        var series = new List<Series>();
        var rows = new List<IReadOnlyList<string>>();
        (string Label, NeuronMethod Method)[] methods = [("Euler", NeuronMethod.Euler), ("midpoint", NeuronMethod.Midpoint), ("RK4", NeuronMethod.RungeKutta4), ("exact", NeuronMethod.Exact)];
        foreach (double dt in new[] { 1.0, 0.1 })
        {
            foreach ((string label, NeuronMethod method) in methods)
            {
                foreach (EventMode mode in new[] { EventMode.Grid, EventMode.Precise })
                {
                    NeuronTrace trace = NeuronSimulation.Run(model, new ConstantCurrent(3.0), new NeuronSimulationSettings { DurationMs = 100, StepMs = dt, Method = method, Events = mode });
                    double maxError = trace.SpikeTimes.Length == closed.Count ? closed.Zip(trace.SpikeTimes, (a, b) => Math.Abs(a - b)).Max() : double.NaN;
                    rows.Add([label, dt.ToString(CultureInfo.InvariantCulture), mode.ToString(), trace.SpikeTimes.Length.ToString(CultureInfo.InvariantCulture), maxError.ToString("E2", CultureInfo.InvariantCulture)]);
                    ctx.Number($"lif_{label.ToLowerInvariant()}_dt{dt.ToString(CultureInfo.InvariantCulture)}_{mode.ToString().ToLowerInvariant()}_max_spike_error_ms", maxError);
                    if (dt == 1.0 && mode == EventMode.Grid)
                    {
                        series.Add(new Series($"{label} (dt = 1 ms)", trace.Times, trace.States));
                    }
                }
            }
        }

        ctx.Figure(
            new FigureSpec { Title = "LIF, slides' values (R I = 30 mV, τ = 10 ms), dt = 1 ms", XLabel = "t (ms)", YLabel = "V (mV)", Series = series },
            "lif_methods",
            "The slides' first simulation under each method at a coarse step; the exact propagator is exact at any step.");
        ctx.TextTable(
            $"LIF spike times against the closed form t1 = τ ln(6) = {first:F6} ms, period τ ln(7) = {period:F6} ms (max |error| over the {closed.Count} spikes in 100 ms)",
            ["method", "dt (ms)", "events", "spikes", "max |Δt| (ms)"],
            rows);
    }

    private static void ConvergenceOrders(SectionContext ctx)
    {
        // Harmonic oscillator x'' = −x over one period from (1, 0); error = |x(T) − 1| + |v(T)|.
        var series = new List<Series>();
        var rows = new List<IReadOnlyList<string>>();
        foreach (ButcherTableau tableau in ButcherTableaus.All)
        {
            // Steps in the asymptotic range of each order and above round-off: low orders need finer steps.
            int[] divisions = tableau.Order switch { <= 2 => [64, 128, 256, 512, 1024], 4 => [16, 32, 64, 128, 256], _ => [8, 16, 32, 64, 128] };
            double[] steps = divisions.Select(d => 2 * Math.PI / d).ToArray();
            var errors = new double[steps.Length];
            for (int k = 0; k < steps.Length; k++)
            {
                var stepper = new ExplicitRungeKuttaStepper<UnitOscillator>(tableau, default);
                double[] y = [1.0, 0.0];
                int n = (int)Math.Round(2 * Math.PI / steps[k]);
                for (int i = 0; i < n; i++)
                {
                    stepper.Step(i * steps[k], y, steps[k]);
                }

                errors[k] = Math.Abs(y[0] - 1) + Math.Abs(y[1]);
            }

            double slope = Statistics.LinearFit(steps.Select(s => Math.Log(s)).ToArray(), errors.Select(e => Math.Log(e)).ToArray()).Slope;
            series.Add(new Series($"{tableau.Name} (slope {slope:F2})", steps, errors, Markers: true));
            rows.Add([tableau.Name, tableau.Order.ToString(CultureInfo.InvariantCulture), slope.ToString("F3", CultureInfo.InvariantCulture), errors[^1].ToString("E2", CultureInfo.InvariantCulture)]);
            ctx.Number($"order_{tableau.Name.ToLowerInvariant().Replace(' ', '_')}", slope);
        }

        ctx.Figure(
            new FigureSpec { Title = "Convergence of the explicit Runge–Kutta methods (harmonic oscillator, one period)", XLabel = "step h", YLabel = "global error", LogX = true, LogY = true, Series = series },
            "convergence",
            "Log-log error against step; the fitted slope is the measured order.");
        ctx.TextTable("Measured orders (log-log slope; h from 2π/64 to 2π/1024 for orders 1–2, 2π/16 to 2π/256 for RK4, 2π/8 to 2π/128 for DP5)", ["method", "theoretical order", "measured slope", "error at the smallest h"], rows);
    }

    private static void AdaptiveTolerance(SectionContext ctx)
    {
        // Harmonic oscillator over 10 periods: global error against the requested rtol (atol = rtol·1e-3).
        double[] tolerances = [1e-4, 1e-5, 1e-6, 1e-8, 1e-10, 1e-12];
        var errors = new double[tolerances.Length];
        var steps = new double[tolerances.Length];
        for (int k = 0; k < tolerances.Length; k++)
        {
            var problem = new OdeProblem<UnitOscillator>(default, [1.0, 0.0], 0, 20 * Math.PI);
            OdeSolution sol = new AdaptiveRungeKutta(ButcherTableaus.DormandPrince54).Solve(problem, new SolveOptions { RelativeTolerance = tolerances[k], AbsoluteTolerance = tolerances[k] * 1e-3, SaveEvery = 0 });
            double[] y = sol.FinalState();
            errors[k] = Math.Max(Math.Abs(y[0] - 1), Math.Abs(y[1])); // max-norm over (x, v), as in the acceptance test
            steps[k] = sol.Statistics.AcceptedSteps;
        }

        ctx.Figure(
            new FigureSpec
            {
                Title = "Adaptive Dormand–Prince 5(4): global error after 10 periods vs requested rtol",
                XLabel = "rtol",
                YLabel = "global error",
                LogX = true,
                LogY = true,
                Series = [new Series("DP5(4)", tolerances, errors, Markers: true), new Series("10·rtol", tolerances, tolerances.Select(t => 10 * t).ToArray(), Dashed: true)],
            },
            "dp45_tolerance",
            "The error stays below 10·rtol over the requested range (the acceptance bound).");
        ctx.TextTable(
            "Dormand–Prince 5(4) on the oscillator, 10 periods",
            ["rtol", "global error", "error / rtol", "accepted steps"],
            [.. tolerances.Select((t, k) => (IReadOnlyList<string>)[t.ToString("E0", CultureInfo.InvariantCulture), errors[k].ToString("E2", CultureInfo.InvariantCulture), (errors[k] / t).ToString("F2", CultureInfo.InvariantCulture), steps[k].ToString(CultureInfo.InvariantCulture)])]);
        ctx.Number("dp45_max_error_over_rtol", errors.Zip(tolerances, (e, t) => e / t).Max());
    }

    private static void StochasticOrders(SectionContext ctx)
    {
        // Geometric Brownian motion dX = μX dt + σX dW, exact X_T = X0 exp((μ − σ²/2)T + σ W_T) on the same path.
        const double mu = 0.5, sigma = 0.8, horizon = 1.0;
        int paths = ctx.Full ? 20_000 : 2_000;
        int[] levels = [16, 32, 64, 128, 256, 512];
        int finest = levels[^1];
        var series = new List<Series>();
        var rows = new List<IReadOnlyList<string>>();
        foreach (SdeScheme scheme in new[] { SdeScheme.EulerMaruyama, SdeScheme.Milstein })
        {
            var errors = new double[levels.Length];
            var increments = new double[finest];
            var coarse = new double[1];
            for (int path = 0; path < paths; path++)
            {
                var rng = new RandomStreams(ctx.Seed).For(StreamPurpose.Noise, path);
                double w = 0, hFine = horizon / finest;
                for (int i = 0; i < finest; i++)
                {
                    increments[i] = Math.Sqrt(hFine) * rng.NextNormal();
                    w += increments[i];
                }

                double exact = Math.Exp((mu - 0.5 * sigma * sigma) * horizon + sigma * w);
                for (int l = 0; l < levels.Length; l++)
                {
                    int n = levels[l], ratio = finest / n;
                    double h = horizon / n;
                    var stepper = new SdeStepper<GeometricBrownian>(scheme, new GeometricBrownian(mu, sigma));
                    double[] y = [1.0];
                    for (int i = 0; i < n; i++)
                    {
                        double dw = 0;
                        for (int j = 0; j < ratio; j++)
                        {
                            dw += increments[i * ratio + j];
                        }

                        coarse[0] = dw;
                        stepper.Step(i * h, y, h, coarse);
                    }

                    errors[l] += Math.Abs(y[0] - exact) / paths;
                }
            }

            double[] hs = levels.Select(n => horizon / n).ToArray();
            double slope = Statistics.LinearFit(hs.Select(x => Math.Log(x)).ToArray(), errors.Select(e => Math.Log(e)).ToArray()).Slope;
            series.Add(new Series($"{scheme} (slope {slope:F2})", hs, errors, Markers: true));
            rows.Add([scheme.ToString(), scheme == SdeScheme.EulerMaruyama ? "0.5" : "1", slope.ToString("F3", CultureInfo.InvariantCulture)]);
            ctx.Number($"strong_order_{scheme.ToString().ToLowerInvariant()}", slope);
        }

        ctx.Figure(
            new FigureSpec { Title = $"Strong convergence on geometric Brownian motion ({paths} paths)", XLabel = "step h", YLabel = "E|X_T − X(T)|", LogX = true, LogY = true, Series = series },
            "sde_strong_order",
            "Mean absolute error at T = 1 against the exact solution on the same Brownian path.");
        ctx.TextTable("Measured strong orders", ["scheme", "theoretical", "measured slope"], rows);
    }

    private static void StiffVanDerPol(SectionContext ctx)
    {
        // Van der Pol x'' − μ(1 − x²)x' + x = 0 (MATLAB's vdp1000) with μ = 1000 on [0, 3000]: explicit RK4 at h = 0.01 blows up; Rosenbrock23 integrates it.
        var problem = new OdeProblem<VanDerPol>(new VanDerPol(1000), [2.0, 0.0], 0, 3000);
        OdeSolution rk4 = new ExplicitRungeKutta(ButcherTableaus.RungeKutta4).Solve(problem, new SolveOptions { StepSize = 0.01, SaveEvery = 0 });
        OdeSolution implicitSolution = new Rosenbrock23().Solve(problem, new SolveOptions { RelativeTolerance = 1e-6, AbsoluteTolerance = 1e-8, SaveEvery = 1 });
        var t = implicitSolution.Times.ToArray();
        var x = Enumerable.Range(0, t.Length).Select(i => implicitSolution[i, 0]).ToArray();
        ctx.Figure(
            new FigureSpec { Title = "Van der Pol, μ = 1000 (stiff), Rosenbrock23", XLabel = "t", YLabel = "x", Series = [new Series("x(t)", t, x)] },
            "vanderpol",
            $"Rosenbrock23 (rtol 1e-6): {implicitSolution.Status}, {implicitSolution.Statistics.AcceptedSteps} steps. Explicit RK4 at h = 0.01: {rk4.Status}.");
        ctx.Number("vanderpol_rk4_status", rk4.Status.ToString());
        ctx.Number("vanderpol_rosenbrock_status", implicitSolution.Status.ToString());
        ctx.Number("vanderpol_rosenbrock_steps", implicitSolution.Statistics.AcceptedSteps);
    }

    private static void HodgkinHuxleyTrace(SectionContext ctx)
    {
        var model = new HodgkinHuxley(new HodgkinHuxleyParameters());
        NeuronTrace trace = NeuronSimulation.Run(model, new ConstantCurrent(10), new NeuronSimulationSettings { DurationMs = 100, StepMs = 0.01, Method = NeuronMethod.RungeKutta4, RecordEvery = 5 });
        double[] v = Column(trace, 4, 0);
        ctx.Figure(
            new FigureSpec { Title = "Hodgkin–Huxley, I = 10 µA/cm² from rest (RK4, dt = 0.01 ms)", XLabel = "t (ms)", YLabel = "V (mV)", Series = [new Series("V", trace.Times, v)] },
            "hh_trace",
            "Membrane potential of the 1952 squid-axon model.");
        ctx.Figure(
            new FigureSpec
            {
                Title = "Hodgkin–Huxley gates",
                XLabel = "t (ms)",
                YLabel = "gate",
                Series = [new Series("m", trace.Times, Column(trace, 4, 1)), new Series("h", trace.Times, Column(trace, 4, 2)), new Series("n", trace.Times, Column(trace, 4, 3))],
            },
            "hh_gates",
            "Gating variables m, h, n.");
        var rows = new List<IReadOnlyList<string>>();
        foreach ((string label, NeuronMethod method, double dt) in new[] { ("RK4", NeuronMethod.RungeKutta4, 0.01), ("RK4", NeuronMethod.RungeKutta4, 0.025), ("exp-Euler", NeuronMethod.ExponentialEuler, 0.01), ("exp-Euler", NeuronMethod.ExponentialEuler, 0.001), ("Euler", NeuronMethod.Euler, 0.001) })
        {
            NeuronTrace t = NeuronSimulation.Run(model, new ConstantCurrent(10), new NeuronSimulationSettings { DurationMs = 100, StepMs = dt, Method = method, RecordEvery = 0 });
            double err = t.SpikeTimes.Length == s_hhReferenceMs.Length ? s_hhReferenceMs.Zip(t.SpikeTimes, (a, b) => Math.Abs(a - b)).Max() : double.NaN;
            rows.Add([label, dt.ToString(CultureInfo.InvariantCulture), t.SpikeTimes.Length.ToString(CultureInfo.InvariantCulture), err.ToString("E2", CultureInfo.InvariantCulture)]);
            ctx.Number($"hh_{label.ToLowerInvariant()}_dt{dt.ToString(CultureInfo.InvariantCulture)}_max_spike_error_ms", err);
        }

        ctx.TextTable(
            "HH spike times (upward 0 mV crossings, precise events) against SciPy DOP853 at rtol = atol = 1e-12 (benchmarks/compare/hh_reference.py)",
            ["method", "dt (ms)", "spikes", "max |Δt| (ms)"],
            rows);
    }

    private static void HodgkinHuxleyFi(SectionContext ctx)
    {
        var model = new HodgkinHuxley(new HodgkinHuxleyParameters());
        double[] currents = Enumerable.Range(0, 41).Select(k => 0.5 * k).ToArray();
        double window = ctx.Full ? 1000 : 300;
        FiCurve curve = FiCurves.Compute(model, currents, new NeuronSimulationSettings { DurationMs = window, StepMs = 0.01, Method = NeuronMethod.RungeKutta4 }, ctx.Seed, ctx.Threads, 1e-4);
        ctx.Figure(
            new FigureSpec { Title = $"Hodgkin–Huxley f–I curve (step from rest, {window} ms window)", XLabel = "I (µA/cm²)", YLabel = "rate (Hz)", Series = [new Series("rate", curve.Currents, curve.RatesHz, Markers: true)] },
            "hh_fi",
            $"Rheobase (≥ 1 spike) {curve.RheobaseCurrent:F4} µA/cm²; sustained firing (a spike in the last quarter of the window) from {curve.SustainedOnsetCurrent:F4} µA/cm² — the type-II jump from 0 to ≈ 50 Hz.");
        ctx.Table("hh_fi.csv", "HH f–I curve", ["current_uA_cm2", "spike_count", "rate_hz"], [curve.Currents, curve.SpikeCounts.Select(c => (double)c).ToArray(), curve.RatesHz]);
        ctx.Number("hh_rheobase_uA_cm2", curve.RheobaseCurrent);
        ctx.Number("hh_sustained_onset_uA_cm2", curve.SustainedOnsetCurrent);
    }

    private static double[] Column(NeuronTrace trace, int dim, int c)
    {
        var column = new double[trace.Times.Length];
        for (int r = 0; r < column.Length; r++)
        {
            column[r] = trace.States[r * dim + c];
        }

        return column;
    }

    private readonly struct GeometricBrownian(double mu, double sigma) : ISdeSystem
    {
        public int Dimension => 1;

        public void Drift(double t, ReadOnlySpan<double> y, Span<double> drift) => drift[0] = mu * y[0];

        public void Diffusion(double t, ReadOnlySpan<double> y, Span<double> diffusion) => diffusion[0] = sigma * y[0];

        public void DiffusionDerivative(double t, ReadOnlySpan<double> y, Span<double> derivative) => derivative[0] = sigma;
    }

    private readonly struct VanDerPol(double mu) : IJacobianSystem
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

    private readonly struct UnitOscillator : IOdeSystem
    {
        public int Dimension => 2;

        public void Derivative(double t, ReadOnlySpan<double> y, Span<double> dydt)
        {
            dydt[0] = y[1];
            dydt[1] = -y[0];
        }
    }
}

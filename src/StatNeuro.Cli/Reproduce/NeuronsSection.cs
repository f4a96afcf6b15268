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

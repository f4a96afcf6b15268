using StatNeuro.Dynamics;
using StatNeuro.Numerics;

namespace StatNeuro.Neurons;

/// <summary>Integration method of a single-neuron simulation.</summary>
public enum NeuronMethod
{
    /// <summary>Forward Euler (order 1); with white noise this is Euler–Maruyama.</summary>
    Euler,
    /// <summary>Explicit midpoint (order 2).</summary>
    Midpoint,
    /// <summary>Heun / explicit trapezoid (order 2).</summary>
    Heun,
    /// <summary>Classical Runge–Kutta (order 4).</summary>
    RungeKutta4,
    /// <summary>Dormand–Prince 5(4), adaptive with rtol/atol and dense output.</summary>
    DormandPrince45,
    /// <summary>Exponential Euler for conductance-type equations (Brian2's exponential_euler).</summary>
    ExponentialEuler,
    /// <summary>Implicit (stiff) solver.</summary>
    Implicit,
    /// <summary>Exact propagator (LIF only): V(t+h) = V∞ + (V − V∞) e^{−h/τ}, spike times in closed form.</summary>
    Exact,
}

/// <summary>Settings of a single-neuron simulation.</summary>
public sealed record NeuronSimulationSettings
{
    /// <summary>Simulated time (ms).</summary>
    public double DurationMs { get; init; } = 100;

    /// <summary>Step (ms): the fixed step, or the output/noise grid of adaptive methods.</summary>
    public double StepMs { get; init; } = 0.01;

    /// <summary>Integration method.</summary>
    public NeuronMethod Method { get; init; } = NeuronMethod.RungeKutta4;

    /// <summary>Grid (stamp at step end) or precise (located inside the step) spike times.</summary>
    public EventMode Events { get; init; } = EventMode.Precise;

    /// <summary>Store every k-th step of the trace (0: no trace, only spikes).</summary>
    public int RecordEvery { get; init; } = 1;

    /// <summary>Relative tolerance of adaptive/implicit methods.</summary>
    public double RelativeTolerance { get; init; } = 1e-8;

    /// <summary>Absolute tolerance of adaptive/implicit methods.</summary>
    public double AbsoluteTolerance { get; init; } = 1e-10;

    /// <summary>Optional noisy current added to the input (fixed-step methods only).</summary>
    public NoiseSpec? Noise { get; init; }

    /// <summary>Every problem with the settings (empty when valid).</summary>
    /// <returns>The problems.</returns>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!double.IsFinite(DurationMs) || DurationMs <= 0)
        {
            errors.Add($"duration = {DurationMs} ms: must be a finite number > 0");
        }

        if (!double.IsFinite(StepMs) || StepMs <= 0)
        {
            errors.Add($"dt = {StepMs} ms: must be a finite number > 0");
        }
        else if (double.IsFinite(DurationMs) && StepMs > DurationMs)
        {
            errors.Add($"dt = {StepMs} ms is longer than the duration {DurationMs} ms: use a smaller dt");
        }

        if (RecordEvery < 0)
        {
            errors.Add($"RecordEvery = {RecordEvery}: must be >= 0");
        }

        if (Noise is not null)
        {
            if (!double.IsFinite(Noise.Sigma) || Noise.Sigma < 0)
            {
                errors.Add($"noise sigma = {Noise.Sigma}: must be a finite number >= 0");
            }

            if (!double.IsFinite(Noise.CorrelationMs) || Noise.CorrelationMs < 0)
            {
                errors.Add($"noise correlation time = {Noise.CorrelationMs} ms: must be a finite number >= 0");
            }

            if (Method is NeuronMethod.DormandPrince45 or NeuronMethod.Implicit)
            {
                errors.Add($"noise needs a fixed-step method (euler, midpoint, heun, rk4, exp-euler, exact), not {Method}");
            }
        }

        return errors;
    }
}

/// <summary>Result of a single-neuron simulation.</summary>
/// <param name="StateNames">Names of the state variables (first: V_mV).</param>
/// <param name="Times">Recorded times (ms).</param>
/// <param name="States">Recorded states, row-major (Times.Length × StateNames.Count).</param>
/// <param name="SpikeTimes">Spike times (ms).</param>
/// <param name="Status">Success, or why integration stopped.</param>
/// <param name="Steps">Steps taken.</param>
/// <param name="FunctionEvaluations">Right-hand side evaluations.</param>
public sealed record NeuronTrace(IReadOnlyList<string> StateNames, double[] Times, double[] States, double[] SpikeTimes, SolveStatus Status, long Steps, long FunctionEvaluations)
{
    /// <summary>Mean firing rate over <paramref name="durationMs"/> (Hz).</summary>
    /// <param name="durationMs">The simulated time (ms).</param>
    /// <returns>Spikes per second.</returns>
    public double RateHz(double durationMs) => SpikeTimes.Length / (durationMs / 1000.0);
}

/// <summary>Simulates one neuron under an injected current with any of the <see cref="NeuronMethod"/>s.</summary>
/// <remarks>
/// Fixed-step methods advance on the grid t_k = k·dt. After each step a threshold (reset models) or an upward
/// crossing of the detection voltage (Hodgkin–Huxley) is checked. In <see cref="EventMode.Grid"/> mode the spike is
/// stamped at the step's end and the reset applied there; in <see cref="EventMode.Precise"/> mode the crossing is
/// located on the cubic Hermite interpolant of V over the step (error O(h⁴)), the state at that time is recomputed
/// by one step of the same method from the step's start, the reset is applied, and the rest of the step is
/// integrated from the spike time (NEST's <c>_ps</c> scheme). The refractory period holds V at reset.
/// </remarks>
public static class NeuronSimulation
{
    /// <summary>Runs the simulation.</summary>
    /// <param name="model">The neuron model.</param>
    /// <param name="input">Deterministic injected current.</param>
    /// <param name="settings">Duration, step, method, events, noise.</param>
    /// <param name="seed">Seed of the noise stream.</param>
    /// <param name="streamIndex">Index of the noise stream (e.g. the trial or the point of an f–I curve).</param>
    /// <returns>The trace and spikes.</returns>
    public static NeuronTrace Run(INeuronModel model, CurrentInput input, NeuronSimulationSettings settings, ulong seed = 1, long streamIndex = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(settings);
        IReadOnlyList<string> errors = settings.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", errors), nameof(settings));
        }

        if (settings.Method == NeuronMethod.Exact && model is not LeakyIntegrateAndFire)
        {
            throw new ArgumentException($"the exact method exists only for the LIF model, not '{model.Name}'", nameof(settings));
        }

        return settings.Method switch
        {
            NeuronMethod.DormandPrince45 or NeuronMethod.Implicit => AdaptiveRun.Run(model, input, settings),
            _ => RunFixedStep(model, input, settings, seed, streamIndex),
        };
    }

    private static NeuronTrace RunFixedStep(INeuronModel model, CurrentInput input, NeuronSimulationSettings s, ulong seed, long streamIndex)
    {
        int dim = model.StateNames.Count;
        long steps = (long)Math.Round(s.DurationMs / s.StepMs);
        if (Math.Abs(steps * s.StepMs - s.DurationMs) > 1e-9 * s.DurationMs)
        {
            steps = (long)Math.Ceiling(s.DurationMs / s.StepMs);
        }

        var noise = new NoiseHolder();
        var system = new NeuronOdeSystem(model, input, noise);
        IFixedStepper stepper = CreateStepper(model, system, s.Method);
        var y = new double[dim];
        var yStart = new double[dim];
        var fStart = new double[dim];
        var fEnd = new double[dim];
        model.InitialState(y);
        var times = new List<double>();
        var states = new List<double>();
        var spikes = new List<double>();
        Record(0, y, times, states, s.RecordEvery > 0);
        var rng = new RandomStreams(seed).For(StreamPurpose.Noise, streamIndex);
        double eta = 0;
        bool ou = s.Noise is { CorrelationMs: > 0 };
        if (ou && s.Noise!.Sigma > 0)
        {
            eta = s.Noise.Sigma * rng.NextNormal();
        }

        double refractoryUntil = double.NegativeInfinity;
        bool reset = model.Mechanism == SpikeMechanism.ThresholdReset;
        double vSpike = model.SpikeVoltageMv;
        SolveStatus status = SolveStatus.Success;
        long k;
        for (k = 0; k < steps; k++)
        {
            double t = k * s.StepMs;
            double tEnd = Math.Min((k + 1) * s.StepMs, s.DurationMs);
            if (s.Noise is { Sigma: > 0 } nz)
            {
                if (ou)
                {
                    double decay = Math.Exp(-s.StepMs / nz.CorrelationMs);
                    noise.Value = eta;
                    eta = eta * decay + nz.Sigma * Math.Sqrt(1 - decay * decay) * rng.NextNormal();
                }
                else
                {
                    noise.Value = nz.Sigma * rng.NextNormal() / Math.Sqrt(s.StepMs);
                }
            }

            double tc = t;
            while (tc < tEnd)
            {
                if (reset && tc < refractoryUntil)
                {
                    double pieceEnd = Math.Min(tEnd, refractoryUntil);
                    stepper.Step(tc, y, pieceEnd - tc);
                    if (model is LeakyIntegrateAndFire lif)
                    {
                        y[0] = lif.Parameters.VResetMv;
                    }

                    tc = pieceEnd;
                    continue;
                }

                double h = tEnd - tc;
                y.CopyTo(yStart, 0);
                stepper.Step(tc, y, h);
                bool crossed = reset ? y[0] >= vSpike : yStart[0] < vSpike && y[0] >= vSpike;
                if (!crossed)
                {
                    tc = tEnd;
                    continue;
                }

                double tSpike;
                if (s.Events == EventMode.Grid)
                {
                    tSpike = tEnd;
                }
                else
                {
                    // f at the step start is needed only when a crossing has to be located.
                    system.Derivative(tc, yStart, fStart);
                    tSpike = stepper.CrossingTime(tc, yStart, h, vSpike, system, fStart, y, fEnd);
                    if (reset && tSpike < tEnd)
                    {
                        yStart.CopyTo(y, 0);
                        stepper.Step(tc, y, tSpike - tc);
                    }
                }

                spikes.Add(tSpike);
                if (!reset)
                {
                    tc = tEnd;
                    continue;
                }

                model.Reset(y);
                refractoryUntil = tSpike + model.RefractoryMs;
                tc = tSpike;
                if (tSpike >= tEnd)
                {
                    break;
                }
            }

            if (!double.IsFinite(y[0]))
            {
                status = SolveStatus.NonFinite;
                k++;
                break;
            }

            if (s.RecordEvery > 0 && ((k + 1) % s.RecordEvery == 0 || k == steps - 1))
            {
                Record(tEnd, y, times, states, true);
            }
        }

        if (s.RecordEvery == 0)
        {
            Record(k * s.StepMs, y, times, states, true);
        }

        return new NeuronTrace(model.StateNames, [.. times], [.. states], [.. spikes], status, k, system.Evaluations);
    }

    private static void Record(double t, double[] y, List<double> times, List<double> states, bool enabled)
    {
        if (!enabled)
        {
            return;
        }

        times.Add(t);
        states.AddRange(y);
    }

    private static IFixedStepper CreateStepper(INeuronModel model, NeuronOdeSystem system, NeuronMethod method) => method switch
    {
        NeuronMethod.Euler => new RungeKuttaFixedStepper(ButcherTableaus.Euler, system),
        NeuronMethod.Midpoint => new RungeKuttaFixedStepper(ButcherTableaus.Midpoint, system),
        NeuronMethod.Heun => new RungeKuttaFixedStepper(ButcherTableaus.Heun, system),
        NeuronMethod.RungeKutta4 => new RungeKuttaFixedStepper(ButcherTableaus.RungeKutta4, system),
        NeuronMethod.ExponentialEuler => new ExponentialEulerStepper(model, system),
        NeuronMethod.Exact => new LifExactStepper(((LeakyIntegrateAndFire)model).Parameters, system),
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, "not a fixed-step method"),
    };
}

/// <summary>Mutable holder of the current noise sample, shared by the system struct and the driver.</summary>
internal sealed class NoiseHolder
{
    public double Value { get; set; }
}

/// <summary>A neuron model plus its input as an <see cref="IOdeSystem"/>.</summary>
internal readonly struct NeuronOdeSystem : IOdeSystem
{
    private readonly INeuronModel _model;
    private readonly CurrentInput _input;
    private readonly NoiseHolder _noise;
    private readonly long[] _evaluations;

    public NeuronOdeSystem(INeuronModel model, CurrentInput input, NoiseHolder noise)
    {
        _model = model;
        _input = input;
        _noise = noise;
        _evaluations = new long[1];
    }

    public int Dimension => _model.StateNames.Count;

    public long Evaluations => _evaluations[0];

    public INeuronModel Model => _model;

    public double Current(double t) => _input.At(t) + _noise.Value;

    public void Derivative(double t, ReadOnlySpan<double> y, Span<double> dydt)
    {
        _evaluations[0]++;
        _model.Derivative(y, Current(t), dydt);
    }
}

/// <summary>One fixed step of a method, plus location of a voltage crossing inside the step.</summary>
internal interface IFixedStepper
{
    void Step(double t, Span<double> y, double h);

    /// <summary>Time in [t, t+h] where V crosses <paramref name="level"/>, from the step's end points.</summary>
    double CrossingTime(double t, ReadOnlySpan<double> yStart, double h, double level, NeuronOdeSystem system, ReadOnlySpan<double> fStart, ReadOnlySpan<double> yEnd, Span<double> fEndBuffer)
    {
        // Cubic Hermite interpolant of V on [t, t+h] from V and dV/dt at both ends (error O(h^4)).
        system.Derivative(t + h, yEnd, fEndBuffer);
        double v0 = yStart[0], v1 = yEnd[0], d0 = fStart[0] * h, d1 = fEndBuffer[0] * h;
        double Interpolant(double theta)
        {
            double t2 = theta * theta, t3 = t2 * theta;
            return (2 * t3 - 3 * t2 + 1) * v0 + (t3 - 2 * t2 + theta) * d0 + (-2 * t3 + 3 * t2) * v1 + (t3 - t2) * d1 - level;
        }

        double f0 = Interpolant(0), f1 = Interpolant(1);
        if (f0 >= 0)
        {
            return t;
        }

        if (f1 < 0)
        {
            return t + h;
        }

        double theta = RootFinding.Brent(Interpolant, 0, 1, 1e-15).Root;
        return t + theta * h;
    }
}

internal sealed class RungeKuttaFixedStepper : IFixedStepper
{
    private readonly ExplicitRungeKuttaStepper<NeuronOdeSystem> _stepper;

    public RungeKuttaFixedStepper(ButcherTableau tableau, NeuronOdeSystem system) => _stepper = new ExplicitRungeKuttaStepper<NeuronOdeSystem>(tableau, system);

    public void Step(double t, Span<double> y, double h) => _stepper.Step(t, y, h);
}

internal sealed class ExponentialEulerStepper : IFixedStepper
{
    private readonly INeuronModel _model;
    private readonly NeuronOdeSystem _system;
    private readonly double[] _a;
    private readonly double[] _b;

    public ExponentialEulerStepper(INeuronModel model, NeuronOdeSystem system)
    {
        _model = model;
        _system = system;
        _a = new double[model.StateNames.Count];
        _b = new double[model.StateNames.Count];
    }

    public void Step(double t, Span<double> y, double h)
    {
        _model.LinearParts(y, _system.Current(t), _a, _b);
        for (int i = 0; i < y.Length; i++)
        {
            double bh = _b[i] * h;
            // y ← y e^{Bh} + A h (e^{Bh} − 1)/(Bh), the bracket → 1 as Bh → 0.
            double phi = Math.Abs(bh) < 1e-12 ? 1 + 0.5 * bh : SpecialFunctions.ExpM1(bh) / bh;
            y[i] = y[i] * Math.Exp(bh) + _a[i] * h * phi;
        }
    }
}

internal sealed class LifExactStepper : IFixedStepper
{
    private readonly LifParameters _p;
    private readonly NeuronOdeSystem _system;

    public LifExactStepper(LifParameters parameters, NeuronOdeSystem system)
    {
        _p = parameters;
        _system = system;
    }

    public void Step(double t, Span<double> y, double h)
    {
        double vInf = _p.SteadyStateMv(_system.Current(t));
        y[0] = vInf + (y[0] - vInf) * Math.Exp(-h / _p.TauMs);
    }

    public double CrossingTime(double t, ReadOnlySpan<double> yStart, double h, double level, NeuronOdeSystem system, ReadOnlySpan<double> fStart, ReadOnlySpan<double> yEnd, Span<double> fEndBuffer)
    {
        // Closed form: V(t + s) = V∞ + (V0 − V∞) e^{−s/τ} = level  ⇒  s = τ ln((V0 − V∞)/(level − V∞)).
        double vInf = _p.SteadyStateMv(_system.Current(t));
        double s = _p.TauMs * Math.Log((yStart[0] - vInf) / (level - vInf));
        return t + Math.Clamp(s, 0, h);
    }
}

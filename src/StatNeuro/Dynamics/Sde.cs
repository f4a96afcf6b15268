using StatNeuro.Numerics;

namespace StatNeuro.Dynamics;

/// <summary>
/// An Itô SDE with diagonal noise, dy_i = f_i(t, y) dt + g_i(t, y) dW_i, with independent Wiener processes W_i.
/// Hot systems should be <c>readonly struct</c>s (the generic steppers are specialised).
/// </summary>
public interface ISdeSystem
{
    /// <summary>Number of state variables (and of Wiener processes).</summary>
    int Dimension { get; }

    /// <summary>Drift f(t, y).</summary>
    /// <param name="t">Time.</param>
    /// <param name="y">State.</param>
    /// <param name="drift">Destination.</param>
    void Drift(double t, ReadOnlySpan<double> y, Span<double> drift);

    /// <summary>Diagonal diffusion g(t, y).</summary>
    /// <param name="t">Time.</param>
    /// <param name="y">State.</param>
    /// <param name="diffusion">Destination.</param>
    void Diffusion(double t, ReadOnlySpan<double> y, Span<double> diffusion);

    /// <summary>∂g_i/∂y_i (used by Milstein; write zeros for additive noise).</summary>
    /// <param name="t">Time.</param>
    /// <param name="y">State.</param>
    /// <param name="derivative">Destination.</param>
    void DiffusionDerivative(double t, ReadOnlySpan<double> y, Span<double> derivative);
}

/// <summary>An SDE initial value problem y(t0) = y0 integrated to t1.</summary>
/// <typeparam name="TSystem">System type.</typeparam>
/// <param name="System">Drift and diffusion.</param>
/// <param name="InitialState">y(t0).</param>
/// <param name="StartTime">t0.</param>
/// <param name="EndTime">t1 &gt; t0.</param>
public sealed record SdeProblem<TSystem>(TSystem System, double[] InitialState, double StartTime, double EndTime)
    where TSystem : ISdeSystem;

/// <summary>The one-step schemes for <see cref="ISdeSystem"/>.</summary>
public enum SdeScheme
{
    /// <summary>Euler–Maruyama: y ← y + f h + g ΔW. Strong order 1/2, weak order 1 (Kloeden &amp; Platen 1992, §10.2).</summary>
    EulerMaruyama,

    /// <summary>Milstein (Itô, diagonal noise): y ← y + f h + g ΔW + ½ g ∂g/∂y (ΔW² − h). Strong order 1 (Kloeden &amp; Platen 1992, §10.3).</summary>
    Milstein,
}

/// <summary>
/// Allocation-free SDE step for one system: feed your own Brownian increments ΔW (for strong-convergence studies,
/// the same path at several step sizes) or draw them from a <see cref="RandomGenerator"/>.
/// </summary>
/// <typeparam name="TSystem">System type.</typeparam>
public sealed class SdeStepper<TSystem>
    where TSystem : ISdeSystem
{
    private readonly double[] _drift;
    private readonly double[] _diffusion;
    private readonly double[] _derivative;
    private readonly double[] _increments;
    private TSystem _system;

    /// <summary>Creates a stepper.</summary>
    /// <param name="scheme">The scheme.</param>
    /// <param name="system">The system.</param>
    public SdeStepper(SdeScheme scheme, TSystem system)
    {
        Scheme = scheme;
        _system = system;
        Dimension = system.Dimension;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Dimension);
        _drift = new double[Dimension];
        _diffusion = new double[Dimension];
        _derivative = new double[Dimension];
        _increments = new double[Dimension];
    }

    /// <summary>The scheme.</summary>
    public SdeScheme Scheme { get; }

    /// <summary>State dimension.</summary>
    public int Dimension { get; }

    /// <summary>Drift evaluations so far.</summary>
    public long DriftEvaluations { get; private set; }

    /// <summary>Advances y by h with the given Wiener increments ΔW_i (each ~ N(0, h)). Allocates nothing.</summary>
    /// <param name="t">Step start.</param>
    /// <param name="y">State, updated in place.</param>
    /// <param name="h">Step.</param>
    /// <param name="increments">ΔW_i over [t, t + h], length <see cref="Dimension"/>.</param>
    public void Step(double t, Span<double> y, double h, ReadOnlySpan<double> increments)
    {
        _system.Drift(t, y, _drift);
        _system.Diffusion(t, y, _diffusion);
        DriftEvaluations++;
        if (Scheme == SdeScheme.Milstein)
        {
            _system.DiffusionDerivative(t, y, _derivative);
            for (int i = 0; i < y.Length; i++)
            {
                double dw = increments[i];
                y[i] += _drift[i] * h + _diffusion[i] * dw + 0.5 * _diffusion[i] * _derivative[i] * (dw * dw - h);
            }
        }
        else
        {
            for (int i = 0; i < y.Length; i++)
            {
                y[i] += _drift[i] * h + _diffusion[i] * increments[i];
            }
        }
    }

    /// <summary>
    /// Advances y by h with increments ΔW_i = √h · z_i, z_i = <see cref="RandomGenerator.NextNormal()"/> drawn in
    /// component order. Allocates nothing.
    /// </summary>
    /// <param name="t">Step start.</param>
    /// <param name="y">State.</param>
    /// <param name="h">Step.</param>
    /// <param name="random">Generator (advanced).</param>
    public void Step(double t, Span<double> y, double h, ref RandomGenerator random)
    {
        double sqrtH = Math.Sqrt(h);
        for (int i = 0; i < _increments.Length; i++)
        {
            _increments[i] = sqrtH * random.NextNormal();
        }

        Step(t, y, h, _increments);
    }
}

/// <summary>
/// Fixed-step SDE solver (<see cref="SdeScheme"/>): grid t_k = t0 + k h, the last step shortened to end at t1.
/// </summary>
/// <remarks>
/// <para>Threshold events are always handled on the grid (checked at each step end, stamped with the step end time),
/// whatever <see cref="SolveOptions.EventMode"/> says: the Brownian path inside a step is not known, so a precise
/// crossing time would need a Brownian bridge. <see cref="SolveOptions.SaveAt"/> values between grid points are
/// linearly interpolated. A non-finite state stops the solve with <see cref="SolveStatus.NonFinite"/>.</para>
/// <para>Randomness: increments ΔW = √h z (√ of the shortened length for a short last step) with z drawn from the caller's generator, step by step and component by
/// component, so a seed fixes the path; or pass the increments explicitly.</para>
/// </remarks>
/// <param name="scheme">The scheme.</param>
public sealed class SdeSolver(SdeScheme scheme)
{
    /// <summary>The scheme.</summary>
    public SdeScheme Scheme { get; } = scheme;

    /// <summary>Method name.</summary>
    public string Name => Scheme.ToString();

    /// <summary>Number of grid steps for a span and step size (the length of the increments a solve consumes is this × dimension).</summary>
    /// <param name="startTime">t0.</param>
    /// <param name="endTime">t1.</param>
    /// <param name="stepSize">h.</param>
    /// <returns>⌈(t1 − t0)/h⌉ (at least 1).</returns>
    public static long StepCount(double startTime, double endTime, double stepSize) =>
        Math.Max(1, (long)Math.Ceiling((endTime - startTime) / stepSize * (1 - 1e-12)));

    /// <summary>Integrates with increments drawn from <paramref name="random"/>.</summary>
    /// <typeparam name="TSystem">System type.</typeparam>
    /// <param name="problem">The problem.</param>
    /// <param name="options">Needs <see cref="SolveOptions.StepSize"/>.</param>
    /// <param name="random">Explicitly seeded generator (advanced by the solve).</param>
    /// <param name="events">Optional threshold events (grid mode).</param>
    /// <returns>The solution.</returns>
    public OdeSolution Solve<TSystem>(SdeProblem<TSystem> problem, SolveOptions options, ref RandomGenerator random, IThresholdEvents? events = null)
        where TSystem : ISdeSystem
    {
        ArgumentNullException.ThrowIfNull(problem);
        var source = new IncrementSource { Random = random };
        OdeSolution s = Run(problem, options, ref source, events);
        random = source.Random;
        return s;
    }

    /// <summary>
    /// Integrates with given Wiener increments, row-major [step × dimension] (length <see cref="StepCount"/> × dimension);
    /// increment k of component i is W_i(t_{k+1}) − W_i(t_k).
    /// </summary>
    /// <typeparam name="TSystem">System type.</typeparam>
    /// <param name="problem">The problem.</param>
    /// <param name="options">Needs <see cref="SolveOptions.StepSize"/>.</param>
    /// <param name="increments">The Brownian increments.</param>
    /// <param name="events">Optional threshold events (grid mode).</param>
    /// <returns>The solution.</returns>
    public OdeSolution Solve<TSystem>(SdeProblem<TSystem> problem, SolveOptions options, double[] increments, IThresholdEvents? events = null)
        where TSystem : ISdeSystem
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(increments);
        ArgumentNullException.ThrowIfNull(options);
        if (options.StepSize is double h && h > 0)
        {
            long needed = StepCount(problem.StartTime, problem.EndTime, h) * problem.System.Dimension;
            if (increments.LongLength < needed)
            {
                throw new ArgumentException($"{needed} Brownian increments are needed (steps × dimension); got {increments.Length}.", nameof(increments));
            }
        }

        var source = new IncrementSource { Given = increments };
        return Run(problem, options, ref source, events);
    }

    private OdeSolution Run<TSystem>(SdeProblem<TSystem> problem, SolveOptions options, ref IncrementSource source, IThresholdEvents? events)
        where TSystem : ISdeSystem
    {
        ArgumentNullException.ThrowIfNull(options);
        int n = problem.System.Dimension;
        double t0 = problem.StartTime, t1 = problem.EndTime;
        if (problem.InitialState.Length != n)
        {
            throw new ArgumentException($"Initial state has length {problem.InitialState.Length}; the system has dimension {n}.", nameof(problem));
        }

        if (!double.IsFinite(t0) || !double.IsFinite(t1) || !(t1 > t0))
        {
            throw new ArgumentException($"The time span must be finite with EndTime > StartTime (got {t0} to {t1}).", nameof(problem));
        }

        double h = options.StepSize ?? throw new ArgumentException("SDE solvers need SolveOptions.StepSize.", nameof(options));
        if (!(h > 0) || !double.IsFinite(h))
        {
            throw new ArgumentOutOfRangeException(nameof(options), h, "StepSize must be positive and finite.");
        }

        long steps = StepCount(t0, t1, h);
        var stepper = new SdeStepper<TSystem>(Scheme, problem.System);
        var y = (double[])problem.InitialState.Clone();
        var yStart = new double[n];
        var dW = new double[n];
        var recorder = new SolutionRecorder(n, options);
        recorder.SaveInitial(t0, y);
        var linear = recorder.UsesSaveAt ? new HermiteInterpolant(n) : null;
        EventLocator? locator = events is null ? null : new EventLocator(events, n, options.EventTimeTolerance);
        locator?.Initialize(t0, y);
        SolveStatus status = SolveStatus.Success;
        long accepted = 0;
        double t = t0;
        for (long k = 0; k < steps; k++)
        {
            if (accepted >= options.MaxSteps)
            {
                status = SolveStatus.MaxStepsExceeded;
                break;
            }

            double tb = k == steps - 1 ? t1 : t0 + (k + 1) * h;
            double step = tb - t;
            if (source.Given is not null)
            {
                Array.Copy(source.Given, k * n, dW, 0, n);
            }
            else
            {
                // √h on the regular grid; √(t1 − t) only for a shortened last step.
                double sqrtH = Math.Sqrt(k == steps - 1 && Math.Abs(step - h) > 1e-9 * h ? step : h);
                for (int i = 0; i < n; i++)
                {
                    dW[i] = sqrtH * source.Random.NextNormal();
                }
            }

            Array.Copy(y, yStart, n);
            stepper.Step(t, y, step, dW);
            if (!FixedStepDriver.AllFinite(y))
            {
                Array.Copy(yStart, y, n);
                status = SolveStatus.NonFinite;
                break;
            }

            if (linear is not null && recorder.NeedsInterpolation(tb))
            {
                // Linear interpolation: Hermite with both end slopes equal to the secant.
                linear.Set(t, tb);
                yStart.CopyTo(linear.StartState);
                y.CopyTo(linear.EndState);
                for (int i = 0; i < n; i++)
                {
                    double slope = (y[i] - yStart[i]) / step;
                    linear.StartDerivative[i] = slope;
                    linear.EndDerivative[i] = slope;
                }
            }

            recorder.SaveSegment(tb, linear, y);
            bool terminate = false;
            if (locator is not null && locator.CheckEnd(tb, y))
            {
                recorder.EventState(tb, y);
                terminate = locator.FireAtGrid(tb, y);
                recorder.EventState(tb, y);
            }
            else
            {
                locator?.Advance();
            }

            t = tb;
            accepted++;
            if (terminate)
            {
                status = SolveStatus.Terminated;
                break;
            }

            recorder.StepAccepted(t, y, k == steps - 1);
        }

        recorder.EnsureFinal(t, y);
        return recorder.Build(status, new SolverStatistics(accepted, 0, stepper.DriftEvaluations, 0), locator?.Occurrences);
    }

    private struct IncrementSource
    {
        public RandomGenerator Random;
        public double[]? Given;
    }
}

/// <summary>Euler–Maruyama solver: y_{n+1} = y_n + f(t_n, y_n) h + g(t_n, y_n) ΔW_n (Maruyama 1955). Strong order 1/2.</summary>
public static class EulerMaruyama
{
    /// <summary>A solver using the Euler–Maruyama scheme.</summary>
    public static SdeSolver Solver { get; } = new(SdeScheme.EulerMaruyama);
}

/// <summary>Milstein solver (Itô, diagonal noise): adds ½ g g′ (ΔW² − h) to Euler–Maruyama (Milstein 1974). Strong order 1.</summary>
public static class Milstein
{
    /// <summary>A solver using the Milstein scheme.</summary>
    public static SdeSolver Solver { get; } = new(SdeScheme.Milstein);
}

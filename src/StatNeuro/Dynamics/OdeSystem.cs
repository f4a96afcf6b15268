namespace StatNeuro.Dynamics;

/// <summary>
/// A system of ordinary differential equations dy/dt = f(t, y). Hot systems should be <c>readonly struct</c>s so
/// that the generic solvers are specialised and the JIT inlines <see cref="Derivative"/>.
/// </summary>
public interface IOdeSystem
{
    /// <summary>Number of state variables.</summary>
    int Dimension { get; }

    /// <summary>Evaluates the right-hand side f(t, y) into <paramref name="dydt"/>. Must not allocate.</summary>
    /// <param name="t">Time.</param>
    /// <param name="y">State.</param>
    /// <param name="dydt">Destination for f(t, y).</param>
    void Derivative(double t, ReadOnlySpan<double> y, Span<double> dydt);
}

/// <summary>An ODE system that also supplies its Jacobian ∂f/∂y (used by implicit solvers; otherwise they use finite differences).</summary>
public interface IJacobianSystem : IOdeSystem
{
    /// <summary>Writes the Jacobian J[i, j] = ∂f_i/∂y_j, row-major, into <paramref name="jacobian"/> (length Dimension²).</summary>
    /// <param name="t">Time.</param>
    /// <param name="y">State.</param>
    /// <param name="jacobian">Destination, row-major.</param>
    void Jacobian(double t, ReadOnlySpan<double> y, Span<double> jacobian);
}

/// <summary>
/// A system of the conductance form dy_i/dt = A_i(t, y) + B_i(t, y) y_i, for which exponential Euler
/// y_i ← y_i e^{B_i h} + (A_i/B_i)(e^{B_i h} − 1) is exact when A and B are frozen over the step (Brian2's
/// <c>exponential_euler</c>; MacGregor 1987).
/// </summary>
public interface IConditionallyLinearSystem : IOdeSystem
{
    /// <summary>Evaluates A(t, y) and B(t, y) so that f_i = A_i + B_i y_i.</summary>
    /// <param name="t">Time.</param>
    /// <param name="y">State.</param>
    /// <param name="a">Destination for the affine part A.</param>
    /// <param name="b">Destination for the linear coefficient B.</param>
    void LinearParts(double t, ReadOnlySpan<double> y, Span<double> a, Span<double> b);
}

/// <summary>
/// Threshold events for many state components at once (SciML's VectorContinuousCallback): event k fires when its
/// function g_k(t, y) crosses zero from below; <see cref="Apply"/> then changes the state (for example a reset).
/// </summary>
public interface IThresholdEvents
{
    /// <summary>Number of event functions.</summary>
    int Count { get; }

    /// <summary>Evaluates every event function into <paramref name="values"/>; an event fires on a − to + crossing.</summary>
    /// <param name="t">Time.</param>
    /// <param name="y">State.</param>
    /// <param name="values">Destination, length <see cref="Count"/>.</param>
    void Evaluate(double t, ReadOnlySpan<double> y, Span<double> values);

    /// <summary>Applies event <paramref name="index"/> at time <paramref name="t"/> (e.g. reset the membrane potential).</summary>
    /// <param name="index">Which event fired.</param>
    /// <param name="t">The event time.</param>
    /// <param name="y">State to modify in place.</param>
    void Apply(int index, double t, Span<double> y);
}

/// <summary>How threshold crossings are located.</summary>
public enum EventMode
{
    /// <summary>Checked at the end of each step; the event is stamped with the step's end time (Brian2/NEST default).</summary>
    Grid,

    /// <summary>The crossing is located inside the step on the interpolant (regula falsi / Illinois), as NEST's <c>_ps</c> models.</summary>
    Precise,
}

/// <summary>An initial value problem y(t0) = y0 integrated to t1.</summary>
/// <typeparam name="TSystem">The system type.</typeparam>
/// <param name="System">Right-hand side.</param>
/// <param name="InitialState">y(t0).</param>
/// <param name="StartTime">t0.</param>
/// <param name="EndTime">t1 &gt; t0.</param>
public sealed record OdeProblem<TSystem>(TSystem System, double[] InitialState, double StartTime, double EndTime)
    where TSystem : IOdeSystem;

/// <summary>Why a solve stopped (SciML return codes).</summary>
public enum SolveStatus
{
    /// <summary>Reached the end time.</summary>
    Success,
    /// <summary>Stopped by a terminating event.</summary>
    Terminated,
    /// <summary>The adaptive step fell below the minimum.</summary>
    StepSizeTooSmall,
    /// <summary>Hit the step limit.</summary>
    MaxStepsExceeded,
    /// <summary>The state became NaN or infinite.</summary>
    NonFinite,
    /// <summary>Newton iterations of an implicit method failed to converge even at the minimum step.</summary>
    ConvergenceFailure,
}

/// <summary>Settings of a solve.</summary>
public sealed record SolveOptions
{
    /// <summary>Fixed step (fixed-step methods), or the initial step of an adaptive method (null: chosen automatically).</summary>
    public double? StepSize { get; init; }

    /// <summary>Absolute tolerance of adaptive methods.</summary>
    public double AbsoluteTolerance { get; init; } = 1e-8;

    /// <summary>Relative tolerance of adaptive methods.</summary>
    public double RelativeTolerance { get; init; } = 1e-6;

    /// <summary>Smallest step an adaptive method may take before giving up.</summary>
    public double MinimumStep { get; init; } = 1e-14;

    /// <summary>Largest step an adaptive method may take (default unlimited).</summary>
    public double MaximumStep { get; init; } = double.PositiveInfinity;

    /// <summary>Step limit.</summary>
    public long MaxSteps { get; init; } = 10_000_000;

    /// <summary>Store every k-th accepted step (1 = all; 0 = only the initial and final state).</summary>
    public int SaveEvery { get; init; } = 1;

    /// <summary>Times at which to store the state (adaptive methods use dense output); when set, replaces <see cref="SaveEvery"/>.</summary>
    public IReadOnlyList<double>? SaveAt { get; init; }

    /// <summary>How threshold events are located.</summary>
    public EventMode EventMode { get; init; } = EventMode.Precise;

    /// <summary>Absolute tolerance on event times in precise mode.</summary>
    public double EventTimeTolerance { get; init; } = 1e-13;

    /// <summary>
    /// Also store the state just before and just after each event (at the event time) when saving by
    /// <see cref="SaveEvery"/>; ignored with <see cref="SaveAt"/>. Default false (a uniform output grid).
    /// </summary>
    public bool SaveAtEvents { get; init; }
}

/// <summary>Counters of a solve.</summary>
/// <param name="AcceptedSteps">Accepted steps.</param>
/// <param name="RejectedSteps">Rejected steps (adaptive methods).</param>
/// <param name="FunctionEvaluations">Right-hand side evaluations.</param>
/// <param name="JacobianEvaluations">Jacobian evaluations (implicit methods).</param>
public sealed record SolverStatistics(long AcceptedSteps, long RejectedSteps, long FunctionEvaluations, long JacobianEvaluations);

/// <summary>One event occurrence.</summary>
/// <param name="Index">Which event function fired.</param>
/// <param name="Time">When.</param>
public readonly record struct EventOccurrence(int Index, double Time);

/// <summary>The result of a solve: saved times and states, status, statistics and events.</summary>
public sealed class OdeSolution
{
    /// <summary>Creates a solution.</summary>
    /// <param name="dimension">State dimension.</param>
    /// <param name="times">Saved times.</param>
    /// <param name="states">Saved states, row-major (times.Length × dimension).</param>
    /// <param name="status">Why the solve stopped.</param>
    /// <param name="statistics">Counters.</param>
    /// <param name="events">Events in time order.</param>
    public OdeSolution(int dimension, double[] times, double[] states, SolveStatus status, SolverStatistics statistics, IReadOnlyList<EventOccurrence>? events = null)
    {
        Dimension = dimension;
        Times = times;
        States = states;
        Status = status;
        Statistics = statistics;
        Events = events ?? [];
    }

    /// <summary>State dimension.</summary>
    public int Dimension { get; }

    /// <summary>Saved times.</summary>
    public IReadOnlyList<double> Times { get; }

    /// <summary>Saved states, row-major.</summary>
    public IReadOnlyList<double> States { get; }

    /// <summary>Why the solve stopped.</summary>
    public SolveStatus Status { get; }

    /// <summary>Counters.</summary>
    public SolverStatistics Statistics { get; }

    /// <summary>Events in time order.</summary>
    public IReadOnlyList<EventOccurrence> Events { get; }

    /// <summary>True when <see cref="Status"/> is Success or Terminated.</summary>
    public bool Succeeded => Status is SolveStatus.Success or SolveStatus.Terminated;

    /// <summary>Component <paramref name="component"/> of saved state <paramref name="row"/>.</summary>
    /// <param name="row">Saved-time index.</param>
    /// <param name="component">State component.</param>
    /// <returns>The value.</returns>
    public double this[int row, int component] => States[row * Dimension + component];

    /// <summary>The last saved state.</summary>
    /// <returns>A copy of the final state.</returns>
    public double[] FinalState()
    {
        var y = new double[Dimension];
        for (int i = 0; i < Dimension; i++)
        {
            y[i] = States[(Times.Count - 1) * Dimension + i];
        }

        return y;
    }
}

/// <summary>A solver of ODE initial value problems.</summary>
public interface IOdeSolver
{
    /// <summary>Human-readable method name.</summary>
    string Name { get; }

    /// <summary>Integrates the problem, optionally with threshold events.</summary>
    /// <typeparam name="TSystem">System type.</typeparam>
    /// <param name="problem">The problem.</param>
    /// <param name="options">Step, tolerances and saving.</param>
    /// <param name="events">Optional threshold events.</param>
    /// <returns>The solution; numerical failure is a status, not an exception.</returns>
    OdeSolution Solve<TSystem>(OdeProblem<TSystem> problem, SolveOptions options, IThresholdEvents? events = null)
        where TSystem : IOdeSystem;
}

namespace StatNeuro.Dynamics;

/// <summary>
/// Exponential Euler for conductance-type systems dy_i/dt = A_i(t, y) + B_i(t, y) y_i
/// (<see cref="IConditionallyLinearSystem"/>), fixed step. Needs <see cref="SolveOptions.StepSize"/>.
/// </summary>
/// <remarks>
/// <para>With A and B frozen at (t_n, y_n): y_i ← y_i e^{B_i h} + (A_i/B_i)(e^{B_i h} − 1)
/// = y_i + h φ₁(B_i h)(A_i + B_i y_i), φ₁(z) = (e^z − 1)/z, which stays exact and finite as B → 0 (then it is
/// forward Euler on A) because φ₁ is evaluated without cancellation (<see cref="Phi1"/>). The update is exact when A and
/// B are constant (the LIF membrane between spikes; a gating variable at fixed voltage) and first order in general
/// (MacGregor 1987; Brian2's <c>exponential_euler</c>; Hochbruck &amp; Ostermann 2010, Acta Numerica 19:209).</para>
/// <para>The solver boxes the system once to reach <see cref="IConditionallyLinearSystem"/>; for a specialised,
/// allocation-free loop use <see cref="ExponentialEulerStepper{TSystem}"/>.</para>
/// </remarks>
public sealed class ExponentialEuler : IOdeSolver
{
    /// <inheritdoc/>
    public string Name => "ExponentialEuler";

    /// <summary>φ₁(z) = (e^z − 1)/z, with φ₁(0) = 1, accurate to a few ulp for every z (no cancellation near 0).</summary>
    /// <remarks>Kahan's trick: with u = e^z (rounded), φ₁ = (u − 1)/ln u, which cancels the rounding error of u
    /// (Higham 2002, <i>Accuracy and Stability of Numerical Algorithms</i>, §1.14.1).</remarks>
    /// <param name="z">Argument.</param>
    /// <returns>φ₁(z).</returns>
    public static double Phi1(double z)
    {
        if (Math.Abs(z) < 1e-5)
        {
            return 1 + z * (0.5 + z * (1.0 / 6 + z / 24)); // Taylor; error ~ z⁴/120 < 1e-22
        }

        double u = Math.Exp(z);
        if (double.IsPositiveInfinity(u))
        {
            return double.PositiveInfinity;
        }

        if (u == 0)
        {
            return -1 / z;
        }

        return (u - 1) / Math.Log(u);
    }

    /// <summary>e^x − 1 without cancellation for small |x|.</summary>
    /// <param name="x">Argument.</param>
    /// <returns>e^x − 1.</returns>
    public static double ExpM1(double x) => x * Phi1(x);

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The system does not implement <see cref="IConditionallyLinearSystem"/>.</exception>
    public OdeSolution Solve<TSystem>(OdeProblem<TSystem> problem, SolveOptions options, IThresholdEvents? events = null)
        where TSystem : IOdeSystem
    {
        ArgumentNullException.ThrowIfNull(problem);
        if (problem.System is not IConditionallyLinearSystem system)
        {
            throw new ArgumentException($"Exponential Euler needs a system of the form A + B y ({nameof(IConditionallyLinearSystem)}); {typeof(TSystem).Name} is not.", nameof(problem));
        }

        var kernel = new Kernel(new ExponentialEulerStepper<IConditionallyLinearSystem>(system));
        return FixedStepDriver.Run(kernel, problem.InitialState, problem.StartTime, problem.EndTime, options, events);
    }

    private sealed class Kernel(ExponentialEulerStepper<IConditionallyLinearSystem> stepper) : IFixedStepKernel
    {
        public int Dimension => stepper.Dimension;

        public long FunctionEvaluations => stepper.FunctionEvaluations;

        public long JacobianEvaluations => 0;

        public bool TryStep(double t, Span<double> y, double h)
        {
            stepper.Step(t, y, h);
            return true;
        }

        public void Derivative(double t, ReadOnlySpan<double> y, Span<double> dydt) => stepper.Derivative(t, y, dydt);
    }
}

/// <summary>
/// Allocation-free exponential Euler step y_i ← y_i + h φ₁(B_i h)(A_i + B_i y_i) for one conductance-type system
/// (see <see cref="ExponentialEuler"/>). Generic, so <c>readonly struct</c> systems are specialised.
/// </summary>
/// <typeparam name="TSystem">System type.</typeparam>
public sealed class ExponentialEulerStepper<TSystem>
    where TSystem : IConditionallyLinearSystem
{
    private readonly double[] _a;
    private readonly double[] _b;
    private TSystem _system;

    /// <summary>Creates a stepper with preallocated buffers.</summary>
    /// <param name="system">The system.</param>
    public ExponentialEulerStepper(TSystem system)
    {
        _system = system;
        Dimension = system.Dimension;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Dimension);
        _a = new double[Dimension];
        _b = new double[Dimension];
    }

    /// <summary>State dimension.</summary>
    public int Dimension { get; }

    /// <summary>Evaluations of the linear parts (and of f).</summary>
    public long FunctionEvaluations { get; private set; }

    /// <summary>Advances y by h in place. Allocates nothing.</summary>
    /// <param name="t">Step start.</param>
    /// <param name="y">State.</param>
    /// <param name="h">Step.</param>
    public void Step(double t, Span<double> y, double h)
    {
        _system.LinearParts(t, y, _a, _b);
        FunctionEvaluations++;
        for (int i = 0; i < y.Length; i++)
        {
            double b = _b[i];
            y[i] += h * ExponentialEuler.Phi1(b * h) * (_a[i] + b * y[i]);
        }
    }

    /// <summary>f(t, y) of the system (for interpolation).</summary>
    /// <param name="t">Time.</param>
    /// <param name="y">State.</param>
    /// <param name="dydt">Destination.</param>
    public void Derivative(double t, ReadOnlySpan<double> y, Span<double> dydt)
    {
        _system.Derivative(t, y, dydt);
        FunctionEvaluations++;
    }
}

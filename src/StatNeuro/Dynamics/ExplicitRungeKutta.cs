namespace StatNeuro.Dynamics;

/// <summary>
/// Fixed-step explicit Runge–Kutta solver for any tableau (Euler, midpoint, Heun, RK4, or Dormand–Prince run at a
/// fixed step with its fifth-order weights). Needs <see cref="SolveOptions.StepSize"/>.
/// </summary>
/// <remarks>
/// The grid is t_k = t0 + k h; the last step is shortened to end at t1. Threshold events: in
/// <see cref="EventMode.Grid"/> they are checked at each step end and stamped with the step end time; in
/// <see cref="EventMode.Precise"/> the crossing is located on the cubic Hermite interpolant of the step
/// (HNW 1993, §II.6), the event applied, and the rest of the step integrated from the event time. For a
/// zero-allocation inner loop use <see cref="ExplicitRungeKuttaStepper{TSystem}"/> directly.
/// </remarks>
/// <example>
/// <code>
/// var solver = new ExplicitRungeKutta(ButcherTableaus.RungeKutta4);
/// OdeSolution s = solver.Solve(new OdeProblem&lt;Decay&gt;(new Decay(), [1.0], 0, 1), new SolveOptions { StepSize = 0.01 });
/// </code>
/// </example>
/// <param name="tableau">The method.</param>
public sealed class ExplicitRungeKutta(ButcherTableau tableau) : IOdeSolver
{
    /// <summary>The method's tableau.</summary>
    public ButcherTableau Tableau { get; } = tableau ?? throw new ArgumentNullException(nameof(tableau));

    /// <inheritdoc/>
    public string Name => Tableau.Name;

    /// <inheritdoc/>
    public OdeSolution Solve<TSystem>(OdeProblem<TSystem> problem, SolveOptions options, IThresholdEvents? events = null)
        where TSystem : IOdeSystem
    {
        ArgumentNullException.ThrowIfNull(problem);
        var kernel = new Kernel<TSystem>(new ExplicitRungeKuttaStepper<TSystem>(Tableau, problem.System));
        return FixedStepDriver.Run(kernel, problem.InitialState, problem.StartTime, problem.EndTime, options, events);
    }

    private sealed class Kernel<TSystem>(ExplicitRungeKuttaStepper<TSystem> stepper) : IFixedStepKernel
        where TSystem : IOdeSystem
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

namespace StatNeuro.Dynamics;

/// <summary>
/// Backward (implicit) Euler with Newton iteration, fixed step: y_{n+1} = y_n + h f(t_{n+1}, y_{n+1}). A-stable and
/// L-stable, first order; for stiff systems. Needs <see cref="SolveOptions.StepSize"/>.
/// </summary>
/// <remarks>
/// <para>Each step solves G(z) = z − y_n − h f(t_{n+1}, z) = 0 by Newton's method, (I − h J) Δ = −G(z), z ← z + Δ,
/// from z = y_n, with the Jacobian J = ∂f/∂y re-evaluated every iteration (analytic from <see cref="IJacobianSystem"/>,
/// otherwise forward differences) and the small linear system solved by LU with partial pivoting. Converged when
/// max_i |Δ_i| / (atol + rtol |z_i|) ≤ 1 (tolerances from <see cref="SolveOptions"/>). When Newton fails (no
/// convergence in 10 iterations, divergence, or a singular matrix) the step is split in halves, recursively, down to
/// <see cref="SolveOptions.MinimumStep"/>; below it the solve stops with <see cref="SolveStatus.ConvergenceFailure"/>
/// (HNW 1996, <i>Solving ODEs II</i>, §IV.8).</para>
/// <para>Events and SaveAt use the cubic Hermite interpolant of each step, as in <see cref="ExplicitRungeKutta"/>.</para>
/// </remarks>
public sealed class BackwardEuler : IOdeSolver
{
    private const int MaxNewtonIterations = 10;

    /// <inheritdoc/>
    public string Name => "BackwardEuler";

    /// <inheritdoc/>
    public OdeSolution Solve<TSystem>(OdeProblem<TSystem> problem, SolveOptions options, IThresholdEvents? events = null)
        where TSystem : IOdeSystem
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(options);
        var kernel = new Kernel<TSystem>(problem.System, options);
        return FixedStepDriver.Run(kernel, problem.InitialState, problem.StartTime, problem.EndTime, options, events);
    }

    private sealed class Kernel<TSystem> : IFixedStepKernel
        where TSystem : IOdeSystem
    {
        private readonly JacobianEvaluator<TSystem> _jacobian;
        private readonly int _n;
        private readonly double _atol;
        private readonly double _rtol;
        private readonly double _minimumStep;
        private readonly double[] _z;
        private readonly double[] _f;
        private readonly double[] _matrix;
        private readonly int[] _pivots;
        private readonly double[] _delta;

        public Kernel(TSystem system, SolveOptions options)
        {
            _n = system.Dimension;
            _jacobian = new JacobianEvaluator<TSystem>(system);
            _atol = options.AbsoluteTolerance;
            _rtol = options.RelativeTolerance;
            _minimumStep = options.MinimumStep;
            _z = new double[_n];
            _f = new double[_n];
            _matrix = new double[_n * _n];
            _pivots = new int[_n];
            _delta = new double[_n];
        }

        public int Dimension => _n;

        public long FunctionEvaluations => _jacobian.FunctionEvaluations;

        public long JacobianEvaluations => _jacobian.JacobianEvaluations;

        public void Derivative(double t, ReadOnlySpan<double> y, Span<double> dydt) => _jacobian.Derivative(t, y, dydt);

        public bool TryStep(double t, Span<double> y, double h)
        {
            if (NewtonStep(t, y, h))
            {
                return true;
            }

            // Split the step in halves until Newton converges or the minimum step is reached.
            if (h / 2 < _minimumStep)
            {
                return false;
            }

            double[] saved = y.ToArray(); // rare path: each recursion level keeps its own copy
            if (TryStep(t, y, h / 2) && TryStep(t + h / 2, y, h / 2))
            {
                return true;
            }

            saved.CopyTo(y);
            return false;
        }

        private bool NewtonStep(double t, Span<double> y, double h)
        {
            int n = _n;
            double t1 = t + h;
            y.CopyTo(_z);
            double previous = double.PositiveInfinity;
            for (int iteration = 0; iteration < MaxNewtonIterations; iteration++)
            {
                _jacobian.Derivative(t1, _z, _f);
                _jacobian.Evaluate(t1, _z, _f, _matrix);
                for (int i = 0; i < n; i++)
                {
                    for (int j = 0; j < n; j++)
                    {
                        _matrix[i * n + j] = (i == j ? 1.0 : 0.0) - h * _matrix[i * n + j];
                    }

                    _delta[i] = -(_z[i] - y[i] - h * _f[i]);
                }

                if (!DenseLu.Factor(_matrix, n, _pivots))
                {
                    return false;
                }

                DenseLu.Solve(_matrix, n, _pivots, _delta);
                double norm = 0;
                for (int i = 0; i < n; i++)
                {
                    _z[i] += _delta[i];
                    norm = Math.Max(norm, Math.Abs(_delta[i]) / (_atol + _rtol * Math.Abs(_z[i])));
                }

                if (!double.IsFinite(norm) || (iteration > 1 && norm > 2 * previous))
                {
                    return false;
                }

                if (norm <= 1)
                {
                    _z.CopyTo(y);
                    return true;
                }

                previous = norm;
            }

            return false;
        }
    }
}

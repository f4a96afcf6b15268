namespace StatNeuro.Dynamics;

/// <summary>
/// An allocation-free explicit Runge–Kutta step for one system: create it once (stage buffers are preallocated),
/// then call <see cref="Step"/> from your own loop. Generic over the system type, so a <c>readonly struct</c>
/// system is specialised by the JIT and its <see cref="IOdeSystem.Derivative"/> inlined.
/// </summary>
/// <remarks>
/// k_i = f(t + c_i h, y + h Σ_{j&lt;i} a_ij k_j), y ← y + h Σ_i b_i k_i (Butcher 2016). The stage derivatives of the
/// last step stay available (<see cref="StageDerivative"/>); k_1 = f(t, y) at the step start.
/// </remarks>
/// <typeparam name="TSystem">System type.</typeparam>
public sealed class ExplicitRungeKuttaStepper<TSystem>
    where TSystem : IOdeSystem
{
    private readonly int _n;
    private readonly int _s;
    private readonly double[] _a;
    private readonly double[] _b;
    private readonly double[] _c;
    private readonly double[] _k;
    private readonly double[] _stage;
    private TSystem _system;

    /// <summary>Creates a stepper.</summary>
    /// <param name="tableau">The method (explicit tableau).</param>
    /// <param name="system">The right-hand side.</param>
    public ExplicitRungeKuttaStepper(ButcherTableau tableau, TSystem system)
    {
        ArgumentNullException.ThrowIfNull(tableau);
        tableau.Validate();
        Tableau = tableau;
        _system = system;
        _n = system.Dimension;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(_n);
        _s = tableau.Stages;
        _a = new double[_s * _s];
        for (int i = 0; i < _s; i++)
        {
            for (int j = 0; j < _s; j++)
            {
                _a[i * _s + j] = tableau.A[i, j];
            }
        }

        _b = (double[])tableau.B.Clone();
        _c = (double[])tableau.C.Clone();
        _k = new double[_s * _n];
        _stage = new double[_n];
    }

    /// <summary>The method.</summary>
    public ButcherTableau Tableau { get; }

    /// <summary>The system.</summary>
    public TSystem System => _system;

    /// <summary>State dimension.</summary>
    public int Dimension => _n;

    /// <summary>Right-hand-side evaluations so far.</summary>
    public long FunctionEvaluations { get; private set; }

    /// <summary>Stage derivative k_i of the last step (k_0 = f(t, y) at the step start).</summary>
    /// <param name="stage">Stage index 0..s−1.</param>
    /// <returns>A view of the stage buffer.</returns>
    public ReadOnlySpan<double> StageDerivative(int stage) => _k.AsSpan(stage * _n, _n);

    /// <summary>Advances <paramref name="y"/> from <paramref name="t"/> to <paramref name="t"/> + <paramref name="h"/> in place. Allocates nothing.</summary>
    /// <param name="t">Time at the step start.</param>
    /// <param name="y">State, overwritten with the new state.</param>
    /// <param name="h">Step size.</param>
    public void Step(double t, Span<double> y, double h)
    {
        int n = _n;
        int s = _s;
        Span<double> k = _k;
        Span<double> stage = _stage;
        for (int i = 0; i < s; i++)
        {
            Span<double> ki = k.Slice(i * n, n);
            if (i == 0)
            {
                _system.Derivative(t, y, ki);
                continue;
            }

            ReadOnlySpan<double> row = _a.AsSpan(i * s, i);
            for (int m = 0; m < n; m++)
            {
                double acc = 0;
                for (int j = 0; j < row.Length; j++)
                {
                    double aij = row[j];
                    if (aij != 0)
                    {
                        acc += aij * k[j * n + m];
                    }
                }

                stage[m] = y[m] + h * acc;
            }

            _system.Derivative(t + _c[i] * h, stage, ki);
        }

        for (int m = 0; m < n; m++)
        {
            double acc = 0;
            for (int i = 0; i < s; i++)
            {
                double bi = _b[i];
                if (bi != 0)
                {
                    acc += bi * k[i * n + m];
                }
            }

            y[m] += h * acc;
        }

        FunctionEvaluations += s;
    }

    /// <summary>Evaluates f(t, y) with this stepper's system (counts one evaluation).</summary>
    /// <param name="t">Time.</param>
    /// <param name="y">State.</param>
    /// <param name="dydt">Destination.</param>
    public void Derivative(double t, ReadOnlySpan<double> y, Span<double> dydt)
    {
        _system.Derivative(t, y, dydt);
        FunctionEvaluations++;
    }
}

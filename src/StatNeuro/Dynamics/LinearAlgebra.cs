namespace StatNeuro.Dynamics;

/// <summary>
/// Small dense LU factorisation with partial pivoting (Golub &amp; Van Loan 2013, Alg. 3.4.1), in place and
/// allocation-free, for the Newton/W matrices of the implicit solvers.
/// </summary>
internal static class DenseLu
{
    /// <summary>Factors the row-major n×n matrix in place (PA = LU); false when it is singular.</summary>
    public static bool Factor(Span<double> a, int n, Span<int> pivots)
    {
        for (int k = 0; k < n; k++)
        {
            int p = k;
            double max = Math.Abs(a[k * n + k]);
            for (int i = k + 1; i < n; i++)
            {
                double v = Math.Abs(a[i * n + k]);
                if (v > max)
                {
                    max = v;
                    p = i;
                }
            }

            pivots[k] = p;
            if (max == 0 || !double.IsFinite(max))
            {
                return false;
            }

            if (p != k)
            {
                for (int j = 0; j < n; j++)
                {
                    (a[k * n + j], a[p * n + j]) = (a[p * n + j], a[k * n + j]);
                }
            }

            double inv = 1.0 / a[k * n + k];
            for (int i = k + 1; i < n; i++)
            {
                double l = a[i * n + k] * inv;
                a[i * n + k] = l;
                if (l != 0)
                {
                    for (int j = k + 1; j < n; j++)
                    {
                        a[i * n + j] -= l * a[k * n + j];
                    }
                }
            }
        }

        return true;
    }

    /// <summary>Solves A x = b in place using the factors from <see cref="Factor"/>.</summary>
    public static void Solve(ReadOnlySpan<double> lu, int n, ReadOnlySpan<int> pivots, Span<double> b)
    {
        for (int k = 0; k < n; k++)
        {
            int p = pivots[k];
            if (p != k)
            {
                (b[k], b[p]) = (b[p], b[k]);
            }
        }

        for (int i = 1; i < n; i++)
        {
            double s = b[i];
            for (int j = 0; j < i; j++)
            {
                s -= lu[i * n + j] * b[j];
            }

            b[i] = s;
        }

        for (int i = n - 1; i >= 0; i--)
        {
            double s = b[i];
            for (int j = i + 1; j < n; j++)
            {
                s -= lu[i * n + j] * b[j];
            }

            b[i] = s / lu[i * n + i];
        }
    }
}

/// <summary>
/// The Jacobian ∂f/∂y of a system: analytic when it implements <see cref="IJacobianSystem"/>, otherwise forward
/// differences with δ_j = √ε · max(|y_j|, 1) (HNW 1996, <i>Solving ODEs II</i>, §IV.8).
/// </summary>
internal sealed class JacobianEvaluator<TSystem>
    where TSystem : IOdeSystem
{
    private const double SqrtEpsilon = 1.4901161193847656e-8; // √(2^-52)

    private readonly IJacobianSystem? _analytic;
    private readonly double[] _yPerturbed;
    private readonly double[] _fPerturbed;
    private readonly int _n;
    private TSystem _system;

    public JacobianEvaluator(TSystem system)
    {
        _system = system;
        _n = system.Dimension;
        _analytic = system as IJacobianSystem; // boxed once for structs
        _yPerturbed = new double[_n];
        _fPerturbed = new double[_n];
    }

    public long FunctionEvaluations { get; private set; }

    public long JacobianEvaluations { get; private set; }

    public bool IsAnalytic => _analytic is not null;

    /// <summary>Writes J (row-major) at (t, y); <paramref name="f0"/> = f(t, y) is used by finite differences.</summary>
    public void Evaluate(double t, ReadOnlySpan<double> y, ReadOnlySpan<double> f0, Span<double> jacobian)
    {
        JacobianEvaluations++;
        if (_analytic is not null)
        {
            _analytic.Jacobian(t, y, jacobian);
            return;
        }

        int n = _n;
        y.CopyTo(_yPerturbed);
        for (int j = 0; j < n; j++)
        {
            double yj = y[j];
            double delta = SqrtEpsilon * Math.Max(Math.Abs(yj), 1.0);
            _yPerturbed[j] = yj + delta;
            delta = _yPerturbed[j] - yj; // exactly representable step
            _system.Derivative(t, _yPerturbed, _fPerturbed);
            FunctionEvaluations++;
            for (int i = 0; i < n; i++)
            {
                jacobian[i * n + j] = (_fPerturbed[i] - f0[i]) / delta;
            }

            _yPerturbed[j] = yj;
        }
    }

    /// <summary>∂f/∂t at (t, y) by a forward difference.</summary>
    public void TimeDerivative(double t, ReadOnlySpan<double> y, ReadOnlySpan<double> f0, Span<double> dfdt)
    {
        double delta = SqrtEpsilon * Math.Max(Math.Abs(t), 1.0);
        double tp = t + delta;
        delta = tp - t;
        _system.Derivative(tp, y, _fPerturbed);
        FunctionEvaluations++;
        for (int i = 0; i < _n; i++)
        {
            dfdt[i] = (_fPerturbed[i] - f0[i]) / delta;
        }
    }

    /// <summary>f(t, y), counted.</summary>
    public void Derivative(double t, ReadOnlySpan<double> y, Span<double> dydt)
    {
        _system.Derivative(t, y, dydt);
        FunctionEvaluations++;
    }
}

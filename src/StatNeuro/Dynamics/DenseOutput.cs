namespace StatNeuro.Dynamics;

/// <summary>An interpolant of the solution over one step [t_a, t_b] (used for SaveAt and precise events).</summary>
internal interface IDenseOutput
{
    /// <summary>Writes the interpolated state at time <paramref name="t"/> ∈ [t_a, t_b] into <paramref name="y"/>.</summary>
    void Evaluate(double t, Span<double> y);
}

/// <summary>
/// Cubic Hermite interpolation over a step from the endpoint values and derivatives (HNW 1993, §II.6, eq. 6.7):
/// y(t_a + θh) = (1−θ) y_a + θ y_b + θ(θ−1)[(1−2θ)(y_b − y_a) + (θ−1) h f_a + θ h f_b]. Third order, O(h⁴) error.
/// </summary>
/// <remarks>Creates its buffers once; <see cref="Set"/> copies the step data.</remarks>
public sealed class HermiteInterpolant : IDenseOutput
{
    private readonly double[] _ya;
    private readonly double[] _yb;
    private readonly double[] _fa;
    private readonly double[] _fb;
    private double _ta;
    private double _h;

    /// <summary>Creates an interpolant for states of the given dimension.</summary>
    /// <param name="dimension">State dimension.</param>
    public HermiteInterpolant(int dimension)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        _ya = new double[dimension];
        _yb = new double[dimension];
        _fa = new double[dimension];
        _fb = new double[dimension];
    }

    /// <summary>Start state y_a (writable, so callers can fill it in place).</summary>
    public Span<double> StartState => _ya;

    /// <summary>End state y_b.</summary>
    public Span<double> EndState => _yb;

    /// <summary>Start derivative f_a.</summary>
    public Span<double> StartDerivative => _fa;

    /// <summary>End derivative f_b.</summary>
    public Span<double> EndDerivative => _fb;

    /// <summary>Sets the step interval; the endpoint data are written through the span properties.</summary>
    /// <param name="ta">Step start.</param>
    /// <param name="tb">Step end.</param>
    public void Set(double ta, double tb)
    {
        _ta = ta;
        _h = tb - ta;
    }

    /// <summary>Evaluates the interpolant at <paramref name="t"/>.</summary>
    /// <param name="t">Time in [t_a, t_b].</param>
    /// <param name="y">Destination.</param>
    public void Evaluate(double t, Span<double> y)
    {
        double theta = _h == 0 ? 1 : (t - _ta) / _h;
        double h = _h;
        double w = theta * (theta - 1);
        for (int i = 0; i < _ya.Length; i++)
        {
            double dy = _yb[i] - _ya[i];
            y[i] = (1 - theta) * _ya[i] + theta * _yb[i]
                + w * ((1 - 2 * theta) * dy + (theta - 1) * h * _fa[i] + theta * h * _fb[i]);
        }
    }
}

using StatNeuro.Numerics;

namespace StatNeuro.MeanField;

/// <summary>
/// Time-dependent Fokker–Planck population density of LIF neurons: the finite-volume Scharfetter–Gummel operator of
/// <see cref="FokkerPlanck"/>, backward-Euler time stepping, and the refractory delay as a ring buffer of past rates.
/// </summary>
/// <remarks>
/// <para>∂p/∂t = -∂J/∂V + ν(t - τ_ref) δ(V - V_r), J = ((μ(t) - V)/τ) p - (σ(t)^2/(2τ)) ∂p/∂V, ν(t) = J(θ)
/// (Brunel &amp; Hakim 1999; seed 000), i.e. τ dV = (μ(t) - V) dt + σ(t) √τ dW as in <see cref="Siegert"/>.</para>
/// <para>Spatial discretisation exactly as in <see cref="FokkerPlanck.Stationary"/> (cell-centred finite volumes on
/// [V_lb, θ], V_r on an interface, Scharfetter &amp; Gummel (1969) interface fluxes, threshold flux
/// ν = D(9 p_(N-1) - p_(N-2))/(3ΔV), reflecting wall at V_lb, reinjection half into each cell beside V_r), so the
/// stationary state of that method is a fixed point of every step. Time: backward Euler,
/// (I - Δt A(t_(n+1))) p^(n+1) = p^n + Δt s^(n+1), one tridiagonal (Thomas) solve per step, no allocation;
/// s^(n+1) reinjects ν^(n+1-m), m = τ_ref/Δt (Δt is shrunk so that m is an integer; m = 1 when τ_ref = 0, i.e. a
/// one-step lag). The refractory mass Δt Σ_(k=n-m+1)^n ν^k plus ΔV Σ p is conserved to round-off. First order in Δt,
/// second order in ΔV. The coefficients are rebuilt only when μ or σ changes.</para>
/// </remarks>
public sealed class FokkerPlanckIntegrator
{
    private readonly double _dv;
    private readonly double _lower;
    private readonly int _cells;
    private readonly int _reset;
    private readonly double _tau;
    private readonly double[] _p;
    private readonly double[] _lowerDiag;
    private readonly double[] _diag;
    private readonly double[] _upperDiag;
    private readonly double[] _scratch;
    private readonly double[] _buffer;
    private int _head;
    private double _mu = double.NaN;
    private double _sigma = double.NaN;
    private double _thresholdCoefficient;

    /// <summary>Starts from the discrete stationary state at (μ0, σ0).</summary>
    /// <param name="neuron">Neuron parameters.</param>
    /// <param name="cells">N; (V_r - V_lb)/ΔV must be an integer.</param>
    /// <param name="dtMs">Requested time step (ms), &gt; 0; shrunk so that τ_ref/Δt is an integer.</param>
    /// <param name="initialMuMv">μ0 (mV).</param>
    /// <param name="initialSigmaMv">σ0 (mV), &gt; 0.</param>
    /// <param name="lowerBoundMv">V_lb (mV); default <see cref="FokkerPlanck.LowerBoundFor"/>(μ0, σ0). When μ(t) will
    /// go below μ0 or σ(t) above σ0, pass <c>FokkerPlanck.LowerBoundFor(μ_min, σ_max, neuron, cells)</c>.</param>
    /// <exception cref="ArgumentException">On invalid input (see <see cref="FokkerPlanck.Stationary"/>).</exception>
    public FokkerPlanckIntegrator(DiffusionLifParameters neuron, int cells, double dtMs, double initialMuMv, double initialSigmaMv, double? lowerBoundMv = null)
    {
        ArgumentNullException.ThrowIfNull(neuron);
        double lower = lowerBoundMv ?? FokkerPlanck.LowerBoundFor(initialMuMv, initialSigmaMv, neuron, cells);
        if (!(dtMs > 0) || !double.IsFinite(dtMs))
        {
            throw new ArgumentException($"dt = {dtMs} ms must be finite and > 0.", nameof(dtMs));
        }

        StationaryDensity s = FokkerPlanck.Stationary(initialMuMv, initialSigmaMv, neuron, cells, lower);
        Neuron = neuron;
        _cells = cells;
        _lower = lower;
        _tau = neuron.TauMs;
        _dv = (neuron.ThresholdMv - lower) / cells;
        _reset = (int)Math.Round((neuron.ResetMv - lower) / _dv);
        int m = Math.Max(1, (int)Math.Ceiling((neuron.RefractoryMs / dtMs) - 1e-9));
        DtMs = neuron.RefractoryMs > 0 ? neuron.RefractoryMs / m : dtMs;
        _p = (double[])s.Density.Clone();
        _lowerDiag = new double[cells];
        _diag = new double[cells];
        _upperDiag = new double[cells];
        _scratch = new double[cells];
        _buffer = new double[m];
        double nu = s.RateHz / 1000;
        Array.Fill(_buffer, nu);
        RateHz = s.RateHz;

        // With τ_ref = 0 the buffer holds Δt ν of mass that the stationary normalisation did not include.
        double total = TotalMass;
        for (int j = 0; j < cells; j++)
        {
            _p[j] /= total;
        }

        for (int k = 0; k < m; k++)
        {
            _buffer[k] /= total;
        }
    }

    /// <summary>The neuron.</summary>
    public DiffusionLifParameters Neuron { get; }

    /// <summary>The time step actually used (ms).</summary>
    public double DtMs { get; }

    /// <summary>Time since the start (ms).</summary>
    public double TimeMs { get; private set; }

    /// <summary>The rate ν = J(θ) after the last step (Hz).</summary>
    public double RateHz { get; private set; }

    /// <summary>The density p per mV on the cells (read-only view).</summary>
    public ReadOnlySpan<double> Density => _p;

    /// <summary>Number of cells.</summary>
    public int Cells => _cells;

    /// <summary>Centre of cell j (mV).</summary>
    /// <param name="j">Cell index.</param>
    /// <returns>V_lb + (j + 1/2) ΔV.</returns>
    public double CellCentreMv(int j) => _lower + ((j + 0.5) * _dv);

    /// <summary>The refractory mass Δt Σ ν over the last τ_ref.</summary>
    public double RefractoryMass
    {
        get
        {
            double sum = 0;
            foreach (double x in _buffer)
            {
                sum += x;
            }

            return sum * DtMs;
        }
    }

    /// <summary>ΔV Σ p + refractory mass; 1 up to round-off.</summary>
    public double TotalMass
    {
        get
        {
            double sum = 0, compensation = 0;
            foreach (double x in _p)
            {
                double y = (x * _dv) - compensation;
                double t = sum + y;
                compensation = (t - sum) - y;
                sum = t;
            }

            return sum + RefractoryMass;
        }
    }

    /// <summary>Advances one step with the inputs at the new time t + Δt (backward Euler).</summary>
    /// <param name="muMv">μ(t + Δt) (mV), finite.</param>
    /// <param name="sigmaMv">σ(t + Δt) (mV), &gt; 0.</param>
    /// <returns>ν(t + Δt) in Hz.</returns>
    public double Step(double muMv, double sigmaMv)
    {
        if (muMv != _mu || sigmaMv != _sigma)
        {
            if (!(sigmaMv > 0) || !double.IsFinite(sigmaMv) || !double.IsFinite(muMv))
            {
                throw new ArgumentException($"sigma = {sigmaMv} must be finite and > 0 and mu = {muMv} finite.", nameof(sigmaMv));
            }

            Assemble(muMv, sigmaMv);
        }

        int n = _cells;
        double dt = DtMs;
        double delayed = _buffer[_head];
        double[] p = _p;
        double inject = dt * delayed / (2 * _dv);
        p[_reset - 1] += inject;
        p[_reset] += inject;

        // Thomas algorithm on (I - Δt A) p_new = p_old + Δt s with the elimination factors precomputed by Assemble.
        double[] c = _scratch;
        double[] a = _lowerDiag, inverse = _diag;
        p[0] *= inverse[0];
        for (int j = 1; j < n; j++)
        {
            p[j] = (p[j] - (a[j] * p[j - 1])) * inverse[j];
        }

        for (int j = n - 2; j >= 0; j--)
        {
            p[j] -= c[j] * p[j + 1];
        }

        double nu = _thresholdCoefficient * ((9 * p[n - 1]) - p[n - 2]);
        _buffer[_head] = nu;
        _head = _head + 1 == _buffer.Length ? 0 : _head + 1;
        TimeMs += dt;
        RateHz = nu * 1000;
        return RateHz;
    }

    private void Assemble(double mu, double sigma)
    {
        _mu = mu;
        _sigma = sigma;
        int n = _cells;
        double d = sigma * sigma / (2 * _tau);
        double dt = DtMs;
        double r = dt / _dv;
        double previousB = 0; // b_0: no flux through the wall
        Array.Clear(_lowerDiag);
        Array.Clear(_upperDiag);
        for (int j = 0; j < n; j++)
        {
            // Interface j+1 between cells j and j+1: J = a p_j - b p_(j+1).
            double aNext = 0, bNext = 0;
            if (j + 1 < n)
            {
                double pe = (mu - (_lower + ((j + 1) * _dv))) / _tau * _dv / d;
                aNext = d / _dv * Bernoulli(-pe);
                bNext = d / _dv * Bernoulli(pe);
                _lowerDiag[j + 1] = -r * aNext;
                _upperDiag[j] = -r * bNext;
            }

            _diag[j] = 1 + (r * (previousB + aNext));
            previousB = bNext;
        }

        _thresholdCoefficient = d / (3 * _dv);
        _diag[n - 1] += r * 9 * _thresholdCoefficient;
        _lowerDiag[n - 1] -= r * _thresholdCoefficient;

        // Forward elimination factors: _diag becomes 1/denominator, _scratch the modified upper diagonal.
        double denominator = _diag[0];
        _diag[0] = 1 / denominator;
        _scratch[0] = _upperDiag[0] / denominator;
        for (int j = 1; j < n; j++)
        {
            denominator = _diag[j] - (_lowerDiag[j] * _scratch[j - 1]);
            _diag[j] = 1 / denominator;
            _scratch[j] = _upperDiag[j] / denominator;
        }
    }

    private static double Bernoulli(double z) => Math.Abs(z) < 1e-8 ? 1 - (0.5 * z) : z / ErrorFunctions.ExpM1(z);
}
